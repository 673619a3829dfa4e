// First: it starts the first reads before the rest of the bundle runs (boot.ts).
import './boot';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
// Before the app's own styles, which restyle the diff view: the run detail page that uses it is a chunk loaded
// later, and its stylesheet would otherwise come after (and override) these.
import 'react-diff-view/style/index.css';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
