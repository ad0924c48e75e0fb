;; The engine's hot loops as WebAssembly (compiled by `npm run build:wasm` into kernels-binary.ts).
;; They run on a shared memory that holds the quantised matrix, so every worker thread trains on
;; one copy; the JavaScript side allocates regions in it with memory.grow and reads the results
;; through typed-array views. Addresses are byte offsets; all arithmetic is as in the TypeScript
;; it replaces (float32 gradients added into float64 sums in row order).
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; Histogram of rows rows[begin..end) (u32 at $rows) into $hist (f64 [g, h] per bin), reading
  ;; each row's bin ids (ncol per row, u16, row-major at $index) and its gradient
  ;; pair (f32 at $gh + 8·row). Rows go in pairs, interleaved feature by feature, so every bin
  ;; receives its rows in order: the sums equal a row-by-row pass bit for bit. A bin's (g, h) pair
  ;; is one f64x2: one load, add and store per cell instead of two (the same two double adds).
  (func (export "hist_u16") (param $index i32) (param $ncol i32) (param $gh i32) (param $rows i32) (param $begin i32) (param $end i32) (param $hist i32)
    (local $i i32) (local $r0 i32) (local $r1 i32) (local $gh0 v128) (local $gh1 v128)
    (local $p0 i32) (local $p1 i32) (local $stop i32) (local $a i32) (local $b i32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $ncol) (i32.const 1)))
    (local.set $i (local.get $begin))
    (block $done
      (loop $pairs
        (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 2)) (local.get $end)))
        (local.set $a (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $r0 (i32.load (local.get $a)))
        (local.set $r1 (i32.load offset=4 (local.get $a)))
        (local.set $a (i32.add (local.get $gh) (i32.shl (local.get $r0) (i32.const 3))))
        (local.set $gh0 (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $a))))
        (local.set $a (i32.add (local.get $gh) (i32.shl (local.get $r1) (i32.const 3))))
        (local.set $gh1 (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $a))))
        (local.set $p0 (i32.add (local.get $index) (i32.mul (local.get $r0) (local.get $rowBytes))))
        (local.set $p1 (i32.add (local.get $index) (i32.mul (local.get $r1) (local.get $rowBytes))))
        (local.set $stop (i32.add (local.get $p0) (local.get $rowBytes)))
        (loop $features
          (local.set $a (i32.add (local.get $hist) (i32.shl (i32.load16_u (local.get $p0)) (i32.const 4))))
          (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (local.get $gh0)))
          (local.set $b (i32.add (local.get $hist) (i32.shl (i32.load16_u (local.get $p1)) (i32.const 4))))
          (v128.store (local.get $b) (f64x2.add (v128.load (local.get $b)) (local.get $gh1)))
          (local.set $p0 (i32.add (local.get $p0) (i32.const 2)))
          (local.set $p1 (i32.add (local.get $p1) (i32.const 2)))
          (br_if $features (i32.lt_u (local.get $p0) (local.get $stop))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    ;; An odd row left over.
    (block $tail
      (br_if $tail (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $r0 (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $a (i32.add (local.get $gh) (i32.shl (local.get $r0) (i32.const 3))))
      (local.set $gh0 (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $a))))
      (local.set $p0 (i32.add (local.get $index) (i32.mul (local.get $r0) (local.get $rowBytes))))
      (local.set $stop (i32.add (local.get $p0) (local.get $rowBytes)))
      (loop $features1
        (local.set $a (i32.add (local.get $hist) (i32.shl (i32.load16_u (local.get $p0)) (i32.const 4))))
        (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (local.get $gh0)))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 2)))
        (br_if $features1 (i32.lt_u (local.get $p0) (local.get $stop))))))

  ;; Histogram of rows rows[begin..end) (u32 at $rows) into $hist (f64 [g, h] per bin), reading
  ;; each row's bin ids (ncol per row, u32, row-major at $index) and its gradient
  ;; pair (f32 at $gh + 8·row). Rows go in pairs, interleaved feature by feature, so every bin
  ;; receives its rows in order: the sums equal a row-by-row pass bit for bit. A bin's (g, h) pair
  ;; is one f64x2: one load, add and store per cell instead of two (the same two double adds).
  (func (export "hist_u32") (param $index i32) (param $ncol i32) (param $gh i32) (param $rows i32) (param $begin i32) (param $end i32) (param $hist i32)
    (local $i i32) (local $r0 i32) (local $r1 i32) (local $gh0 v128) (local $gh1 v128)
    (local $p0 i32) (local $p1 i32) (local $stop i32) (local $a i32) (local $b i32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $ncol) (i32.const 2)))
    (local.set $i (local.get $begin))
    (block $done
      (loop $pairs
        (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 2)) (local.get $end)))
        (local.set $a (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $r0 (i32.load (local.get $a)))
        (local.set $r1 (i32.load offset=4 (local.get $a)))
        (local.set $a (i32.add (local.get $gh) (i32.shl (local.get $r0) (i32.const 3))))
        (local.set $gh0 (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $a))))
        (local.set $a (i32.add (local.get $gh) (i32.shl (local.get $r1) (i32.const 3))))
        (local.set $gh1 (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $a))))
        (local.set $p0 (i32.add (local.get $index) (i32.mul (local.get $r0) (local.get $rowBytes))))
        (local.set $p1 (i32.add (local.get $index) (i32.mul (local.get $r1) (local.get $rowBytes))))
        (local.set $stop (i32.add (local.get $p0) (local.get $rowBytes)))
        (loop $features
          (local.set $a (i32.add (local.get $hist) (i32.shl (i32.load (local.get $p0)) (i32.const 4))))
          (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (local.get $gh0)))
          (local.set $b (i32.add (local.get $hist) (i32.shl (i32.load (local.get $p1)) (i32.const 4))))
          (v128.store (local.get $b) (f64x2.add (v128.load (local.get $b)) (local.get $gh1)))
          (local.set $p0 (i32.add (local.get $p0) (i32.const 4)))
          (local.set $p1 (i32.add (local.get $p1) (i32.const 4)))
          (br_if $features (i32.lt_u (local.get $p0) (local.get $stop))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    ;; An odd row left over.
    (block $tail
      (br_if $tail (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $r0 (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $a (i32.add (local.get $gh) (i32.shl (local.get $r0) (i32.const 3))))
      (local.set $gh0 (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $a))))
      (local.set $p0 (i32.add (local.get $index) (i32.mul (local.get $r0) (local.get $rowBytes))))
      (local.set $stop (i32.add (local.get $p0) (local.get $rowBytes)))
      (loop $features1
        (local.set $a (i32.add (local.get $hist) (i32.shl (i32.load (local.get $p0)) (i32.const 4))))
        (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (local.get $gh0)))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 4)))
        (br_if $features1 (i32.lt_u (local.get $p0) (local.get $stop))))))

  ;; Stable partition of rows[begin..end) by one feature's bin ids (u16, the column starting at
  ;; $column, one id per row): rows going left (bin ≤ splitBin, or missing when defaultLeft)
  ;; first, then the rest through $scratch. Returns the end of the left segment.
  (func (export "partition_u16") (param $column i32) (param $rows i32) (param $scratch i32) (param $begin i32) (param $end i32)
    (param $splitBin i32) (param $missingBin i32) (param $defaultLeft i32) (result i32)
    (local $i i32) (local $l i32) (local $s i32) (local $r i32) (local $bin i32) (local $left i32)
    (local.set $l (local.get $begin))
    (local.set $i (local.get $begin))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $r (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $bin (i32.load16_u (i32.add (local.get $column) (i32.shl (local.get $r) (i32.const 1)))))
        (local.set $left (i32.or (i32.le_s (local.get $bin) (local.get $splitBin))
          (i32.and (i32.eq (local.get $bin) (local.get $missingBin)) (local.get $defaultLeft))))
        (i32.store (i32.add (local.get $rows) (i32.shl (local.get $l) (i32.const 2))) (local.get $r))
        (i32.store (i32.add (local.get $scratch) (i32.shl (local.get $s) (i32.const 2))) (local.get $r))
        (local.set $l (i32.add (local.get $l) (local.get $left)))
        (local.set $s (i32.add (local.get $s) (i32.sub (i32.const 1) (local.get $left))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
    (memory.copy (i32.add (local.get $rows) (i32.shl (local.get $l) (i32.const 2))) (local.get $scratch) (i32.shl (local.get $s) (i32.const 2)))
    (local.get $l))

  ;; Stable partition of rows[begin..end) by one feature's bin ids (u32, the column starting at
  ;; $column, one id per row): rows going left (bin ≤ splitBin, or missing when defaultLeft)
  ;; first, then the rest through $scratch. Returns the end of the left segment.
  (func (export "partition_u32") (param $column i32) (param $rows i32) (param $scratch i32) (param $begin i32) (param $end i32)
    (param $splitBin i32) (param $missingBin i32) (param $defaultLeft i32) (result i32)
    (local $i i32) (local $l i32) (local $s i32) (local $r i32) (local $bin i32) (local $left i32)
    (local.set $l (local.get $begin))
    (local.set $i (local.get $begin))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $r (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $bin (i32.load (i32.add (local.get $column) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $left (i32.or (i32.le_s (local.get $bin) (local.get $splitBin))
          (i32.and (i32.eq (local.get $bin) (local.get $missingBin)) (local.get $defaultLeft))))
        (i32.store (i32.add (local.get $rows) (i32.shl (local.get $l) (i32.const 2))) (local.get $r))
        (i32.store (i32.add (local.get $scratch) (i32.shl (local.get $s) (i32.const 2))) (local.get $r))
        (local.set $l (i32.add (local.get $l) (local.get $left)))
        (local.set $s (i32.add (local.get $s) (i32.sub (i32.const 1) (local.get $left))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
    (memory.copy (i32.add (local.get $rows) (i32.shl (local.get $l) (i32.const 2))) (local.get $scratch) (i32.shl (local.get $s) (i32.const 2)))
    (local.get $l))

  ;; rows[0..n) = 0, 1, …, n − 1.
  (func (export "iota") (param $rows i32) (param $n i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2))) (local.get $i))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))
)
