/* exec.c: running a helper program (see exec.h). */
#include <config.h>

#include "lib/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/util.h"

extern char **environ;

static void
read_all(int fd, struct sbuf *b)
{
    char buf[4096];
    ssize_t n;

    while ((n = read(fd, buf, sizeof buf - 1)) > 0
           || (n < 0 && errno == EINTR)) {
        if (n > 0) {
            buf[n] = '\0';
            sbuf_puts(b, buf);
        }
    }
}

int
exec_capture(char *const argv[], int with_stderr, char **output, int *status)
{
    posix_spawn_file_actions_t fa;
    struct sbuf out;
    int pipefd[2], error, wstatus;
    pid_t pid;

    *output = NULL;
    *status = -1;
    if (pipe2(pipefd, O_CLOEXEC)) {
        return -errno;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
                                     O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
    if (with_stderr) {
        posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDERR_FILENO);
    } else {
        posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null",
                                         O_WRONLY, 0);
    }
    error = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    if (error) {
        close(pipefd[0]);
        return -error;
    }
    sbuf_init(&out);
    read_all(pipefd[0], &out);
    close(pipefd[0]);
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
        continue;
    }
    *status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
    *output = sbuf_steal(&out);
    return 0;
}

bool
exec_found(const char *name)
{
    const char *path = getenv("PATH");
    char *copy = xstrdup(path ? path : "/usr/bin:/bin");
    char *save = NULL;
    bool found = false;

    for (char *dir = strtok_r(copy, ":", &save); dir && !found;
         dir = strtok_r(NULL, ":", &save)) {
        char *file = xasprintf("%s/%s", *dir ? dir : ".", name);
        found = !access(file, X_OK);
        free(file);
    }
    free(copy);
    return found;
}
