/** E11000 from MongoDB and FerretDB alike (FerretDB omits keyPattern/keyValue, so callers must not rely on them). */
export const isDuplicateKeyError = (e: unknown): boolean => {
  const err = e as { code?: number; writeErrors?: Array<{ code?: number }> } | null;
  return err?.code === 11000 || (Array.isArray(err?.writeErrors) && err.writeErrors.some((w) => w.code === 11000));
};
