import { ForgeError } from "../errors.js";

// A purpose names what a comment is for (`preview`, `apply-report`); it becomes part of an HTML comment.
const PURPOSE = /^[a-z0-9][a-z0-9-]*$/;

/** The hidden line that lets the bot find its comment for a purpose again instead of adding another. */
export function commentMarker(purpose: string): string {
  if (!PURPOSE.test(purpose)) {
    throw new ForgeError(`Comment purpose "${purpose}" is not a lowercase word with dashes.`, {
      hint: "Use a purpose such as preview or apply-report.",
    });
  }
  return `<!-- folioctl:comment ${purpose} -->`;
}

/** The full comment body as posted: the marker on the first line, then the text. */
export function markedCommentBody(purpose: string, body: string): string {
  return `${commentMarker(purpose)}\n${body}`;
}

export function hasCommentMarker(body: string, purpose: string): boolean {
  return body.startsWith(`${commentMarker(purpose)}\n`) || body === commentMarker(purpose);
}
