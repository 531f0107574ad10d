// The viewer protocol's requests as a type alias: Requester's constraint wants an index signature, which an
// interface (ViewerRequests) does not give implicitly but a mapped type does.
import type { ViewerRequests } from '../core/viewer-protocol/messages';

export type HostRequests = { [K in keyof ViewerRequests]: ViewerRequests[K] };
