import type { Settings } from '../../engine/api';

/** 'system' leaves the choice to the OS (prefers-color-scheme in CSS); light and dark override it. */
export function applyTheme(theme: Settings['theme']): void {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}
