/* disk.c: what a VM boots from, as the VMs screen shows it: the file
 * exists, and its format ('qemu-img info', or the ISO 9660 signature for
 * an installer). */
#include <config.h>

#include "setup/wizard.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <jansson.h>

#include "lib/util.h"

extern char **environ;

/* ISO 9660: "CD001" at byte 32769, the first volume descriptor. */
static bool
is_iso9660(const char *path)
{
    char magic[5];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    bool iso;

    if (fd < 0) {
        return false;
    }
    iso = pread(fd, magic, sizeof magic, 32769) == sizeof magic
          && !memcmp(magic, "CD001", sizeof magic);
    close(fd);
    return iso;
}

/* Runs 'qemu-img info --output=json PATH' and returns its stdout, or NULL
 * when qemu-img is missing or fails. */
static char *
qemu_img_info(const char *path)
{
    char *argv[] = { "qemu-img", "info", "--output=json", (char *) path,
                     NULL };
    posix_spawn_file_actions_t fa;
    struct sbuf out;
    int pipefd[2], status;
    char buf[4096];
    ssize_t n;
    pid_t pid;

    if (pipe2(pipefd, O_CLOEXEC)) {
        return NULL;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null",
                                     O_WRONLY, 0);
    status = posix_spawnp(&pid, "qemu-img", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    if (status) {
        close(pipefd[0]);
        return NULL;
    }
    sbuf_init(&out);
    while ((n = read(pipefd[0], buf, sizeof buf - 1)) > 0
           || (n < 0 && errno == EINTR)) {
        if (n > 0) {
            buf[n] = '\0';
            sbuf_puts(&out, buf);
        }
    }
    close(pipefd[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        continue;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status)) {
        sbuf_destroy(&out);
        return NULL;
    }
    return sbuf_steal(&out);
}

/* "qcow2 image, 20 GiB" from qemu-img's JSON. */
static bool
image_format(const char *path, char *msg, size_t size)
{
    char *text = qemu_img_info(path);
    json_t *info = text ? json_loads(text, 0, NULL) : NULL;
    const char *format = json_string_value(json_object_get(info, "format"));
    json_int_t vsize = json_integer_value(json_object_get(info,
                                                          "virtual-size"));
    char human[32];

    free(text);
    if (!format) {
        json_decref(info);
        return false;
    }
    format_bytes(vsize, human, sizeof human);
    snprintf(msg, size, "%s image, %s", format, human);
    json_decref(info);
    return true;
}

bool
disk_describe(const char *path, bool cdrom, char *msg, size_t size)
{
    struct stat st;
    char human[32];

    if (stat(path, &st)) {
        snprintf(msg, size, "%s: %s", path, strerror(errno));
        return false;
    }
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
        snprintf(msg, size, "%s: not a file or a block device", path);
        return false;
    }
    if (cdrom) {
        if (!is_iso9660(path)) {
            snprintf(msg, size, "%s: not an ISO 9660 image (no CD001 "
                     "signature)", path);
            return false;
        }
        format_bytes(st.st_size, human, sizeof human);
        snprintf(msg, size, "ISO 9660 image, %s", human);
    } else if (S_ISBLK(st.st_mode)) {
        snprintf(msg, size, "block device");
    } else if (!image_format(path, msg, size)) {
        format_bytes(st.st_size, human, sizeof human);
        snprintf(msg, size, "format unknown ('qemu-img info' failed or is "
                 "not installed), %s", human);
    }
    return true;
}
