/** Id of the element on /coach that holds the server-rendered CoachConsole and gets hydrated. */
export const COACH_CONSOLE_ROOT_ID = 'coach-console-root';
