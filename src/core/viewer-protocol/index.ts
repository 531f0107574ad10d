export * from './messages';
export { answer, Requester, RequestTimeoutError, type Reply } from './rpc';
