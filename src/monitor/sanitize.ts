/**
 * Terminal escape sequences and control characters have no place in a policy's text: stored, they reach
 * `ai-privacy diff` and a terminal raw (colours, cursor moves, a retitled window). ECMA-48 sections 5.4 and
 * 8.3.89 define the CSI and OSC forms removed first, so their parameters do not survive as "[31m"; every
 * other C0 and C1 control goes after, except tab, line feed, form feed and carriage return (HTML white space).
 * https://ecma-international.org/publications-and-standards/standards/ecma-48/
 */
const ESCAPE_SEQUENCES =
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|(?:\u001b\]|\u009d)[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[@-Z\\-_]/g;
const CONTROLS = /[\u0000-\u0008\u000b\u000e-\u001f\u007f-\u009f]/g;

export function stripControls(text: string): string {
  return text.replace(ESCAPE_SEQUENCES, "").replace(CONTROLS, "");
}
