/** HTML escaping for the status page's server-rendered markup (the page, its forms and its SVG charts). */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
