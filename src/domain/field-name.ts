/** The fields of a registration form (附件1) and of a summary row (附件2), by their machine names. */
export const FIELD_NAMES = ['name', 'occupation', 'unit', 'title', 'link', 'phone', 'address', 'intro'] as const;
export type FieldName = (typeof FIELD_NAMES)[number];
