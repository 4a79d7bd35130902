/** Short confirmations and failures, announced through an aria-live region (components/Toasts.svelte). */
export type ToastTone = 'success' | 'error' | 'info';

interface Toast {
  id: number;
  tone: ToastTone;
  text: string;
}

class Toasts {
  items = $state<Toast[]>([]);
  #next = 1;

  show(text: string, tone: ToastTone = 'success', ms = tone === 'error' ? 8000 : 4000) {
    const id = this.#next++;
    this.items.push({ id, tone, text });
    setTimeout(() => this.dismiss(id), ms);
  }

  dismiss(id: number) {
    this.items = this.items.filter((t) => t.id !== id);
  }
}

export const toasts = new Toasts();
