export { NewRunPage } from '../features/new-run/NewRunPage';
