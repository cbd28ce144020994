import { z } from 'zod';

/** Response shapes shared by the foundation routes. */
export const roleSchema = z.enum(['admin', 'analyst', 'viewer']);

export const userSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  displayName: z.string().nullable(),
  locale: z.string(),
  disabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  userId: z.string(),
  userName: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

export const idParams = z.object({ id: z.string().min(1).max(200) });
