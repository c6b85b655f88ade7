/** The words of <supervisor-chat>'s quick replies: the picker and its editor. */
export interface CannedStrings {
  /** The composer button that opens the list. */
  open: string;
  listLabel: string;
  /** Announced while the list is open: how many replies match. */
  count: (count: number) => string;
  /** No reply matches what was typed after `/`. */
  noMatch: string;
  /** Neither the team nor the supervisor has replies yet. */
  none: string;
  team: string;
  personal: string;
  /** Opens the editor. */
  manage: string;
  editorTitle: string;
  add: string;
  /** A reply's buttons; screen readers hear the reply's title after them. */
  edit: string;
  remove: string;
  title: string;
  text: string;
  /** Under the text field: the placeholders filled when a reply is inserted. */
  placeholders: string;
  save: string;
  cancel: string;
  close: string;
}

export const defaultCannedStrings: CannedStrings = {
  open: 'Quick replies',
  listLabel: 'Quick replies',
  count: (count) => (count === 1 ? '1 quick reply' : `${count} quick replies`),
  noMatch: 'No quick reply matches.',
  none: 'No quick replies yet.',
  team: 'Team',
  personal: 'Mine',
  manage: 'Edit quick replies',
  editorTitle: 'Quick replies',
  add: 'Add a reply',
  edit: 'Edit',
  remove: 'Delete',
  title: 'Title',
  text: 'Text',
  placeholders: '{agent}, {customer} and {supervisor} are filled in when the reply is inserted.',
  save: 'Save',
  cancel: 'Cancel',
  close: 'Close',
};
