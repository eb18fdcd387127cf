// UI chrome icons as inline SVG: emoji characters (💬 📎 😊) render as empty boxes on machines without an emoji font.
// Icons are decorative (aria-hidden); the button that carries one has the accessible name (aria-label).

const NS = "http://www.w3.org/2000/svg";

/** 24×24 outlines drawn with the current text colour (filled ones marked "fill:"). */
const PATHS = {
  chat: "M4 5.5h16v10.5H10l-4.5 3.5V16H4z",
  close: "M6.5 6.5l11 11M17.5 6.5l-11 11",
  attach: "M20 11.2l-7.8 7.8a4.6 4.6 0 0 1-6.5-6.5l8-8a3 3 0 0 1 4.3 4.3l-7.9 7.9a1.5 1.5 0 0 1-2.1-2.1l7.2-7.2",
  smile: "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18M8.2 14.2c1 1.3 2.3 1.9 3.8 1.9s2.8-.6 3.8-1.9M9 9.6v.1M15 9.6v.1",
  star: "fill:M12 2.8l2.8 5.9 6.4.8-4.7 4.4 1.2 6.4L12 17.2l-5.7 3.1 1.2-6.4-4.7-4.4 6.4-.8z",
};

export type IconName = keyof typeof PATHS;

export const icon = (name: IconName, size = 20): SVGSVGElement => {
  const svg = document.createElementNS(NS, "svg");
  const d = PATHS[name];
  const filled = d.startsWith("fill:");
  for (const [k, v] of Object.entries({
    viewBox: "0 0 24 24", width: String(size), height: String(size), "aria-hidden": "true", focusable: "false",
    fill: filled ? "currentColor" : "none", stroke: filled ? "none" : "currentColor",
    "stroke-width": "2", "stroke-linecap": "round", "stroke-linejoin": "round", class: `icon icon-${name}`,
  })) svg.setAttribute(k, v);
  const path = document.createElementNS(NS, "path");
  path.setAttribute("d", filled ? d.slice(5) : d);
  svg.append(path);
  return svg;
};
