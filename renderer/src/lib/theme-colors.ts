import { useSyncExternalStore } from 'react';

/**
 * The palette's colours as the browser resolved them. styles.css writes each as light-dark(...), which a canvas
 * cannot use: a probe element with `color: var(--x)` gives the resolved rgb() for the theme in force.
 */
export function cssColor(variable: string): string {
  const probe = document.createElement('span');
  probe.style.color = `var(${variable})`;
  probe.style.display = 'none';
  document.body.appendChild(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color;
}

export interface ChartColors {
  text: string;
  muted: string;
  border: string;
  accent: string;
  ok: string;
  warn: string;
  danger: string;
}

const read = (): ChartColors => ({
  text: cssColor('--text'),
  muted: cssColor('--muted'),
  border: cssColor('--border'),
  accent: cssColor('--accent'),
  ok: cssColor('--ok'),
  warn: cssColor('--warn'),
  danger: cssColor('--danger'),
});

let cached: ChartColors | null = null;
let key = '';
const themeKey = () =>
  `${document.documentElement.dataset.theme ?? 'system'}:${matchMedia('(prefers-color-scheme: dark)').matches}`;

function snapshot(): ChartColors {
  const k = themeKey();
  if (!cached || k !== key) {
    cached = read();
    key = k;
  }
  return cached;
}

function subscribe(callback: () => void) {
  const media = matchMedia('(prefers-color-scheme: dark)');
  const observer = new MutationObserver(callback);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  media.addEventListener('change', callback);
  return () => {
    observer.disconnect();
    media.removeEventListener('change', callback);
  };
}

/** The chart colours, re-read when the theme (setting or OS) changes. */
export const useChartColors = (): ChartColors => useSyncExternalStore(subscribe, snapshot);

/** Distinct series colours that read on both backgrounds. */
export const SERIES_COLORS = ['#4c6ef5', '#f76707', '#37b24d', '#ae3ec9', '#1098ad', '#f03e3e', '#fab005'];
