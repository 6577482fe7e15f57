// Workflows see activities as types only: no activity code enters the sandbox.
import type { createActivities } from '../../activities';

export type ActivitiesShape = ReturnType<typeof createActivities>;
