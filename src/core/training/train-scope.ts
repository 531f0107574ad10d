/** What fine-tuning trains: the output head, everything outside swinViT (the default), or the whole model. */
export type TrainScope = 'head' | 'decoder' | 'all';
export const TRAIN_SCOPES: readonly TrainScope[] = ['head', 'decoder', 'all'];
