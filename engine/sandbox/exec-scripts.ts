/**
 * The small bash programs that give a Docker exec a killable process tree and an OOM verdict. They rely only on
 * bash, setsid (util-linux or busybox) and /proc, and write nothing outside /tmp/.mle-beast-exec.
 *
 * Why: a Docker exec has no kill endpoint, and closing its stream kills nothing. So every command runs as
 *
 *     bash -c 'eval "$MLE_BEAST_WRAPPER"' mle-beast-exec TOKEN argv...   (MLE_BEAST_EXEC=TOKEN in its environment)
 *
 * The wrapper starts argv in a NEW SESSION (setsid), which is also a new process group, and records its id in
 * /tmp/.mle-beast-exec/TOKEN. To stop the command, a second exec runs KILL_SCRIPT with the token. It SIGKILLs the
 * process group in one go (the kernel makes that atomic against fork, so a fork bomb cannot outrun it), then
 * every other process of the session, then every process still carrying MLE_BEAST_EXEC=TOKEN in its environment
 * (a child that started a session of its own), and repeats until none is left. When argv ends on its own, the
 * wrapper sweeps the same way, so background children never outlive their command.
 *
 * The sweep uses shell builtins only (read, kill, globbing): it must work when every pid of the container is
 * taken, where any fork fails. Only the pauses between late rounds fork (sleep), and they may fail harmlessly.
 *
 * The wrapper also notes the memory cgroup's oom_kill counter before the command; after an exit of 137 (SIGKILL)
 * the engine runs OOM_SCRIPT to compare: if the counter grew, the kernel's OOM killer ended the command. Docker's
 * State.OOMKilled is no help here: it only reports the container's main process.
 */

export const EXEC_STATE_DIR = '/tmp/.mle-beast-exec';
/** The scripts use $MLE_BEAST_EXEC_DIR when set (tests run them on the host), else EXEC_STATE_DIR. */
const STATE = `\${MLE_BEAST_EXEC_DIR:-${EXEC_STATE_DIR}}`;
export const EXEC_TOKEN_ENV = 'MLE_BEAST_EXEC';
/**
 * The wrapper travels in this variable and runs through `eval`, so `ps` inside the sandbox shows a short
 * `bash -c eval "$MLE_BEAST_WRAPPER" mle-beast-exec TOKEN argv...` instead of the whole script; it unsets the
 * variable before the command starts.
 */
export const WRAPPER_ENV = 'MLE_BEAST_WRAPPER';

/** The exec Cmd for a command, with WRAPPER_SCRIPT in the environment under WRAPPER_ENV. */
export function wrappedCommand(token: string, argv: string[]): string[] {
  return ['bash', '-c', `eval "$${WRAPPER_ENV}"`, 'mle-beast-exec', token, ...argv];
}

/** Prints the memory cgroup's oom_kill count (cgroup v2, then v1), or nothing when neither is readable. */
const OOM_COUNT = `oom_count() {
  local c k v
  for c in /sys/fs/cgroup/memory.events /sys/fs/cgroup/memory/memory.oom_control; do
    if [[ -r $c ]]; then
      while read -r k v; do [[ $k == oom_kill ]] && { echo "$v"; return 0; }; done < "$c"
    fi
  done
}`;

/**
 * sweep TOKEN: SIGKILL the command's process group, its session, and every process whose environment carries
 * the token, until none is left (a few seconds at most). Status 1 when something survived.
 */
const SWEEP = `sweep() {
  local tok=$1 sid= round p pid st kv alive victims
  local fields
  [[ -r ${STATE}/$tok ]] && read -r sid < "${STATE}/$tok"
  for ((round = 0; round < 200; round++)); do
    [[ -n $sid ]] && kill -KILL -- "-$sid" 2>/dev/null
    victims=()
    for p in /proc/[0-9]*; do
      pid=\${p#/proc/}
      [[ $pid == "$$" ]] && continue
      if [[ -n $sid ]] && read -r st 2>/dev/null < "$p/stat"; then
        # Fields after the command name, which may hold spaces: state ppid pgrp session ...
        read -r -a fields <<< "\${st##*) }"
        [[ \${fields[0]} == Z ]] && continue
        if [[ \${fields[3]} == "$sid" ]]; then victims+=("$pid"); continue; fi
      fi
      while IFS= read -r -d '' kv; do
        if [[ $kv == "${EXEC_TOKEN_ENV}=$tok" ]]; then victims+=("$pid"); break; fi
      done 2>/dev/null < "$p/environ"
    done
    alive=0
    for pid in "\${victims[@]}"; do kill -KILL "$pid" 2>/dev/null && alive=$((alive + 1)); done
    ((alive == 0)) && return 0
    ((round > 20)) && { sleep 0.02; } 2>/dev/null
  done
  echo "mle-beast: processes survived SIGKILL: \${victims[*]}" >&2
  return 1
}`;

/** $1 = token, then argv. Exits with argv's status (128 + n when signal n ended it). */
export const WRAPPER_SCRIPT = `unset ${WRAPPER_ENV}
${OOM_COUNT}
${SWEEP}
t=$1
shift
[[ -d ${STATE} ]] || mkdir -p -m 700 "${STATE}" 2>/dev/null
oom_count > "${STATE}/$t.oom" 2>/dev/null
# The command gets the real stderr (fd 3); bash's own "Killed" notice about the subshell goes nowhere.
{ ( exec setsid sh -c 'echo $$ > "$0" 2>/dev/null; exec "$@"' "${STATE}/$t" "$@" ) 2>&3 3>&-; } 3>&2 2>/dev/null
rc=$?
sweep "$t"
rm -f "${STATE}/$t"
((rc == 137)) || rm -f "${STATE}/$t.oom"
exit "$rc"`;

/** $1 = token: kills the command's whole tree. Exit 0 when nothing of it is left. */
export const KILL_SCRIPT = `${SWEEP}
sweep "$1"
rc=$?
rm -f "${STATE}/$1" "${STATE}/$1.oom"
exit "$rc"`;

/** Run as the agent's uid: signals every process that uid owns but itself (kill -1), so nothing escapes. */
export const KILL_AGENT_UID_SCRIPT = 'kill -KILL -1 2>/dev/null; exit 0';

/** $1 = token: prints `oom BEFORE NOW` (either may be empty when the counter is unreadable). */
export const OOM_SCRIPT = `${OOM_COUNT}
before=
[[ -r ${STATE}/$1.oom ]] && read -r before < "${STATE}/$1.oom"
rm -f "${STATE}/$1.oom"
echo "oom $before $(oom_count)"`;

/** Checks that an image has what the wrapper needs; prints the missing tools. */
export const REQUIREMENTS_SCRIPT = `missing=
for tool in setsid sh kill sleep rm mkdir; do command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"; done
[[ -r /proc/self/stat ]] || missing="$missing /proc"
[[ -w /tmp ]] || missing="$missing writable-/tmp"
if [[ -n $missing ]]; then echo "missing:$missing"; exit 1; fi
[[ -w $HOME ]] || echo "home-not-writable"
echo ok`;

/** The Cmd of a helper script (kill, OOM check, requirements): bash, the script, then its arguments. */
export function helperCommand(script: string, args: string[]): string[] {
  return ['bash', '-c', script, 'mle-beast-helper', ...args];
}

/** Parses OOM_SCRIPT's output: true when the oom_kill counter grew, null when it cannot tell. */
export function parseOomReport(output: string): boolean | null {
  const match = /^oom (\d*) (\d*)\s*$/m.exec(output);
  if (!match || match[1] === '' || match[2] === '') return null;
  return Number(match[2]) > Number(match[1]);
}
