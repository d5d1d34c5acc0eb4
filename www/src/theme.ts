// Light, dark or the system's choice (prefers-color-scheme), cycled by a button and kept
// in localStorage; the stylesheet reads html[data-theme].

type Theme = "auto" | "light" | "dark";
const KEY = "agentlens-viewer-theme";
const ORDER: Theme[] = ["auto", "light", "dark"];

function stored(): Theme {
  try {
    const v = localStorage.getItem(KEY);
    return v === "light" || v === "dark" ? v : "auto";
  } catch {
    return "auto";
  }
}

function apply(theme: Theme, button: HTMLButtonElement): void {
  const dark = theme === "dark" || (theme === "auto" && matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.dataset.theme = dark ? "dark" : "light";
  document.documentElement.dataset.themeChoice = theme;
  button.textContent = `Theme: ${theme}`;
  button.setAttribute("aria-label", `Colour theme: ${theme} (click to change)`);
}

export function setupTheme(button: HTMLButtonElement): void {
  let theme = stored();
  apply(theme, button);
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => apply(theme, button));
  button.addEventListener("click", () => {
    theme = ORDER[(ORDER.indexOf(theme) + 1) % ORDER.length]!;
    try {
      localStorage.setItem(KEY, theme);
    } catch {
      // private mode: the choice lasts for this page only
    }
    apply(theme, button);
  });
}
