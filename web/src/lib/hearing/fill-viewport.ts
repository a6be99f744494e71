/** Wide enough for the bench's three columns side by side. */
const WIDE = '(min-width: 64.01rem)';
/** Room kept below the element: the page's own bottom margin. */
const BELOW = 12;

/**
 * A Svelte action: while `on`, the element is as tall as the window below where it starts (never
 * under 28rem), so what it holds scrolls inside it and the page itself does not. Narrow windows
 * keep the page's normal flow.
 */
export function fillViewport(el: HTMLElement, on: boolean) {
  let active = on;
  const wide = window.matchMedia(WIDE);
  const fit = () => {
    if (!active || !wide.matches) {
      el.style.height = '';
      return;
    }
    const top = el.getBoundingClientRect().top + window.scrollY;
    const height = `${String(Math.max(448, Math.floor(window.innerHeight - top - BELOW)))}px`;
    if (el.style.height !== height) el.style.height = height;
  };
  // Anything above it changing height (a notice, a banner) moves its top.
  const observer = new ResizeObserver(fit);
  observer.observe(document.body);
  window.addEventListener('resize', fit);
  wide.addEventListener('change', fit);
  fit();
  return {
    update(next: boolean) {
      active = next;
      fit();
    },
    destroy() {
      observer.disconnect();
      window.removeEventListener('resize', fit);
      wide.removeEventListener('change', fit);
    },
  };
}
