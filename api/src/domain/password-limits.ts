/** The password rule's lengths, apart from its dictionaries so a page can show them without loading those. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
