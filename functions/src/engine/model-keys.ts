/**
 * The keys of XGBoost's JSON model format, spelled once (XGBoost's learner, gbtree and RegTree
 * `SaveModel` names), and the format version this engine writes.
 */

/** JSON keys, spelled once. */
export const K = {
  version: 'version',
  learner: 'learner',
  attributes: 'attributes',
  featureNames: 'feature_names',
  featureTypes: 'feature_types',
  gradientBooster: 'gradient_booster',
  learnerModelParam: 'learner_model_param',
  objective: 'objective',
  name: 'name',
  model: 'model',
  gbtreeModelParam: 'gbtree_model_param',
  trees: 'trees',
  treeInfo: 'tree_info',
  iterationIndptr: 'iteration_indptr',
  baseScore: 'base_score',
  boostFromAverage: 'boost_from_average',
  numClass: 'num_class',
  numFeature: 'num_feature',
  numTarget: 'num_target',
  numTrees: 'num_trees',
  numParallelTree: 'num_parallel_tree',
  sizeLeafVector: 'size_leaf_vector',
  numNodes: 'num_nodes',
  numDeleted: 'num_deleted',
  treeParam: 'tree_param',
  id: 'id',
  leftChildren: 'left_children',
  rightChildren: 'right_children',
  parents: 'parents',
  splitIndices: 'split_indices',
  splitConditions: 'split_conditions',
  splitType: 'split_type',
  defaultLeft: 'default_left',
  baseWeights: 'base_weights',
  lossChanges: 'loss_changes',
  sumHessian: 'sum_hessian',
  categories: 'categories',
  categoriesNodes: 'categories_nodes',
  categoriesSegments: 'categories_segments',
  categoriesSizes: 'categories_sizes',
} as const;

/** The version this engine writes (the format of XGBoost 1.7). */
export const WRITTEN_VERSION: [number, number, number] = [1, 7, 4];
