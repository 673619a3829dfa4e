import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { startFirstReads } from './startup';
// Before the app's own styles, which restyle the diff view: the run detail page that uses it is a chunk loaded
// later, and its stylesheet would otherwise come after (and override) these.
import 'react-diff-view/style/index.css';
import './styles.css';

startFirstReads();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
