// The kind a sandbox choice starts is part of the shared vocabulary (engine/api/vocabulary).
export { sandboxKindOf } from '../api/vocabulary';
