"use client";

import { useEffect } from "react";

/**
 * Brings the step named in the address (#step-…) into view once the page has rendered: a link from
 * a step card arrives while the page streams in, before the browser could find that section.
 */
export function ScrollToHash() {
  useEffect(() => {
    const id = decodeURIComponent(window.location.hash.slice(1));
    if (id) document.getElementById(id)?.scrollIntoView({ block: "start" });
  }, []);
  return null;
}
