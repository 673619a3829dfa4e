import { startFirstReads } from './startup';

// main.tsx imports this module first, so its body runs before React DOM and the app's components are
// evaluated: the first reads are on their way (and the contract's checks loading) while the rest starts up.
startFirstReads();
