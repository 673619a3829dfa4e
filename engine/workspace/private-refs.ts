/**
 * Refs this module keeps under `refs/mle-beast/<session>/`. What a ref points to is never pruned, and none of
 * `git stash clear`, `stash drop`, `branch -D` or `reset` touches these: the user's stashed work stays
 * reachable whatever the agent does to the stash list, and a branch the agent moved keeps its moved tip.
 * They show in `git for-each-ref refs/mle-beast/`; the stash ref goes once the stash is back in the tree.
 */
export const privateRefPrefix = (session: string): string => `refs/mle-beast/${session}`;

/** The user's uncommitted changes, from the moment they are stashed until restore has put them back. */
export const stashRef = (session: string): string => `${privateRefPrefix(session)}/stash`;
