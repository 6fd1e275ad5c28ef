/* The library's log sink for Python (n3obs_config.log_sink): each line goes to the
 * logging module through _n3obs_py_log, except when the interpreter cannot run Python
 * code any more (it is finalizing, or gone: the library's own exit flush runs after
 * Py_Finalize), where the line goes to fd 2 in the library's own format instead. */
#include <string.h>
#include <unistd.h>

static void _n3obs_py_log(int level, const char *component, const char *message);

static int n3py_python_usable(void) {
    if (!Py_IsInitialized()) return 0;
#if PY_VERSION_HEX >= 0x030D0000
    return !Py_IsFinalizing();
#else
    return !_Py_IsFinalizing();
#endif
}

static void n3py_log_sink(int level, const char *component, const char *message, void *user_data) {
    static const char *names[] = {"?", "error", "warn", "info", "debug"};
    char line[4096];
    (void)user_data;
    if (n3py_python_usable()) {
        _n3obs_py_log(level, component, message);
        return;
    }
    snprintf(line, sizeof line, "n3obs %s [%s]: %s\n", names[level >= 1 && level <= 4 ? level : 0],
             component != NULL ? component : "n3obs", message != NULL ? message : "");
    ssize_t rc = write(2, line, strlen(line)); /* one write: lines never interleave */
    (void)rc;
}
