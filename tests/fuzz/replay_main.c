/* A main for the fuzz targets outside libFuzzer: runs the target once on
 * every file named on the command line (a folder: every file in it), so
 * the seeds and past crashes of tests/fuzz/seeds/ replay in the ordinary
 * test suite, under ASan+UBSan and valgrind too. Exit 0 after the last
 * file; a target that crashes or leaks fails the run through the
 * sanitizer or valgrind around it. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int S_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return 1;
  }
  size_t cap = 4096, len = 0;
  uint8_t *buf = malloc(cap);
  size_t n;
  while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
    len += n;
    if (len == cap) {
      uint8_t *b2 = realloc(buf, cap *= 2);
      if (!b2) free(buf);
      buf = b2;
    }
  }
  fclose(f);
  if (!buf) {
    fprintf(stderr, "%s: out of memory\n", path);
    return 1;
  }
  /* an exact-size copy, so reads past the input are caught */
  uint8_t *exact = malloc(len ? len : 1);
  if (!exact) {
    free(buf);
    return 1;
  }
  memcpy(exact, buf, len);
  free(buf);
  LLVMFuzzerTestOneInput(exact, len);
  free(exact);
  return 0;
}

static int S_name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
  int rc = 0;
  size_t total = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      perror(argv[i]);
      return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
      rc |= S_file(argv[i]);
      total++;
      continue;
    }
    DIR *d = opendir(argv[i]);
    if (!d) {
      perror(argv[i]);
      return 1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (e->d_name[0] == '.') continue;
      if (n == cap) {
        char **n2 = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
        if (!n2) return 1;
        names = n2;
      }
      size_t l = strlen(argv[i]) + strlen(e->d_name) + 2;
      names[n] = malloc(l);
      if (!names[n]) return 1;
      snprintf(names[n++], l, "%s/%s", argv[i], e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, S_name_cmp);
    for (size_t k = 0; k < n; k++) {
      rc |= S_file(names[k]);
      free(names[k]);
    }
    free(names);
    total += n;
  }
  printf("%zu inputs replayed\n", total);
  if (total == 0) {
    fprintf(stderr, "no inputs\n");
    return 1;
  }
  return rc;
}
