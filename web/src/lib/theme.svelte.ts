/**
 * Light/dark mode: the user's explicit choice (localStorage) or, until they make one, the
 * system's prefers-color-scheme, followed live. app.html applies the same rule before first paint.
 */
const KEY = 'igny8.theme';
type Choice = 'light' | 'dark' | 'system';

function savedChoice(): Choice {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

class Theme {
  choice = $state<Choice>('system');
  systemDark = $state(false);
  dark = $derived(this.choice === 'dark' || (this.choice === 'system' && this.systemDark));

  /** Starts following the system setting; call once from the root layout. */
  init() {
    const media = matchMedia('(prefers-color-scheme: dark)');
    this.choice = savedChoice();
    this.systemDark = media.matches;
    const onChange = (e: MediaQueryListEvent) => (this.systemDark = e.matches);
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }

  toggle() {
    this.choice = this.dark ? 'light' : 'dark';
    try {
      localStorage.setItem(KEY, this.choice);
    } catch {
      /* not remembered in private mode */
    }
  }
}

export const theme = new Theme();
