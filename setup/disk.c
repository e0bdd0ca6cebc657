/* disk.c: what a VM boots from, as the VMs screen shows it: the file
 * exists, and its format ('qemu-img info', or the ISO 9660 signature for
 * an installer). */
#include <config.h>

#include "setup/wizard.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>

#include "lib/exec.h"
#include "lib/util.h"

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

/* "qcow2 image, 20 GiB" from qemu-img's JSON. */
static bool
image_format(const char *path, char *msg, size_t size)
{
    char *arg = xstrdup(path);
    char *argv[] = { "qemu-img", "info", "--output=json", arg, NULL };
    char *text = NULL;
    int status;
    json_t *info = (!exec_capture(argv, 0, &text, &status) && !status
                    ? json_loads(text, 0, NULL) : NULL);
    const char *format = json_string_value(json_object_get(info, "format"));
    json_int_t vsize = json_integer_value(json_object_get(info,
                                                          "virtual-size"));
    char human[32];

    free(arg);
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
