// The workspace chat panel's input: Enter sends (handled by the server), so the browser must not also insert a
// newline — that newline's 'input' event reached the server after the send and put the sent text back in the box.
export function enterSends(textarea) {
  if (!textarea || textarea.dataset.enterSends) return;
  textarea.dataset.enterSends = 'on';
  textarea.addEventListener('keydown', e => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) e.preventDefault();
  });
}
