/// @file layering_tests.c
/// The include rule: layering points down only.  pkg/c3 (portability)
/// includes nothing of noun/ or vere/; pkg/noun (the noun system)
/// includes nothing of vere/ (the runtime).  This program reads every
/// .c and .h under pkg/c3 and pkg/noun and fails on each upward
/// #include, naming file, line and header.
///
/// It reads the sources from the working directory (make test runs it
/// from the top of the tree; Bazel gives it the sources as data), or
/// from $LOOM_SRC; without them it skips, saying so.
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

#include "test.h"

/* _t_layer: a layer and the include prefixes it must not use. */
typedef struct {
  const c3_c* dir_c;       //  the layer's directory under the root
  const c3_c* bad_c[3];    //  upward prefixes, 0-terminated
} _t_layer;

static const _t_layer _t_layer_u[] = {
  { "pkg/c3",   { "noun/", "vere/", 0 } },
  { "pkg/noun", { "vere/", 0 } },
};

/* _t_upward(): the upward header that line lin_c includes from lay_u,
**   or 0 when it includes none (any #include "..." spelling).
*/
static const c3_c*
_t_upward(const _t_layer* lay_u, const c3_c* lin_c)
{
  while ( ' ' == *lin_c || '\t' == *lin_c ) lin_c++;
  if ( '#' != *lin_c++ ) {
    return 0;
  }
  while ( ' ' == *lin_c || '\t' == *lin_c ) lin_c++;
  if ( strncmp(lin_c, "include", 7) ) {
    return 0;
  }
  lin_c += 7;
  while ( ' ' == *lin_c || '\t' == *lin_c ) lin_c++;
  if ( '"' != *lin_c && '<' != *lin_c ) {
    return 0;
  }
  lin_c++;
  while ( !strncmp(lin_c, "../", 3) || !strncmp(lin_c, "./", 2) ) {
    lin_c += ( '.' == lin_c[1] ) ? 3 : 2;
  }
  for ( c3_w i_w = 0; lay_u->bad_c[i_w]; i_w++ ) {
    if ( !strncmp(lin_c, lay_u->bad_c[i_w], strlen(lay_u->bad_c[i_w])) ) {
      return lin_c;
    }
  }
  return 0;
}

/* _t_file(): check one source file; the number of upward includes. */
static c3_w
_t_file(const _t_layer* lay_u, const c3_c* pat_c)
{
  FILE* fil_u = fopen(pat_c, "r");
  c3_c  lin_c[1024];
  c3_w  lin_w = 0, bad_w = 0;

  if ( !T_OK(0 != fil_u, "open %s: %s", pat_c, strerror(errno)) ) {
    return 1;
  }
  while ( fgets(lin_c, sizeof(lin_c), fil_u) ) {
    const c3_c* hed_c = _t_upward(lay_u, lin_c);
    lin_w++;
    if ( hed_c ) {
      c3_z len_z = strcspn(hed_c, "\">");
      T_OK(0, "%s:%u includes %.*s: %s/ may include only lower layers "
              "(c3, then noun, then vere)", pat_c, lin_w, (c3_i)len_z, hed_c,
           lay_u->dir_c);
      bad_w++;
    }
  }
  fclose(fil_u);
  return bad_w;
}

/* _t_layer_check(): check every .c and .h of one layer; 0 if the
**   directory is missing, else the number of files read.
*/
static c3_w
_t_layer_check(const c3_c* roo_c, const _t_layer* lay_u, c3_w* bad_w)
{
  c3_c           dir_c[4096], pat_c[8192];
  DIR*           dir_u;
  struct dirent* ent_u;
  c3_w           fil_w = 0;

  snprintf(dir_c, sizeof(dir_c), "%s/%s", roo_c, lay_u->dir_c);
  if ( !(dir_u = opendir(dir_c)) ) {
    return 0;
  }
  while ( (ent_u = readdir(dir_u)) ) {
    c3_z len_z = strlen(ent_u->d_name);
    if ( len_z < 3 || '.' != ent_u->d_name[len_z - 2]
         || ('c' != ent_u->d_name[len_z - 1] && 'h' != ent_u->d_name[len_z - 1]) )
    {
      continue;
    }
    snprintf(pat_c, sizeof(pat_c), "%s/%s", dir_c, ent_u->d_name);
    *bad_w += _t_file(lay_u, pat_c);
    fil_w++;
  }
  closedir(dir_u);
  return fil_w;
}

/* _t_self(): the checker itself tells an upward include from others. */
static void
_t_self(void)
{
  const _t_layer* c3_u = &_t_layer_u[0];
  const _t_layer* nou_u = &_t_layer_u[1];

  T_OK(0 != _t_upward(c3_u, "#include \"noun/noun.h\"\n"), "c3 -> noun");
  T_OK(0 != _t_upward(c3_u, "# include <vere/pier.h>\n"), "c3 -> vere");
  T_OK(0 != _t_upward(nou_u, "  #  include \"../vere/log.h\"\n"), "noun -> ../vere");
  T_OK(0 == _t_upward(nou_u, "#include \"noun/allocate.h\"\n"), "noun -> noun");
  T_OK(0 == _t_upward(nou_u, "#include \"c3/c3.h\"\n"), "noun -> c3");
  T_OK(0 == _t_upward(c3_u, "//  #include is how noun/ reaches c3/\n"), "a comment");
}

int
main(void)
{
  const c3_c* roo_c = getenv("LOOM_SRC");
  c3_w        bad_w = 0, fil_w = 0;

  _t_self();
  if ( !roo_c ) {
    roo_c = ".";
  }
  for ( c3_w i_w = 0; i_w < sizeof(_t_layer_u) / sizeof(_t_layer_u[0]); i_w++ ) {
    c3_w num_w = _t_layer_check(roo_c, &_t_layer_u[i_w], &bad_w);
    if ( 0 == num_w ) {
      fprintf(stderr, "no sources in %s/%s\n", roo_c, _t_layer_u[i_w].dir_c);
      return t_skip("the sources (pkg/c3, pkg/noun) are not here: run from "
                    "the top of the tree, or set LOOM_SRC");
    }
    fil_w += num_w;
  }
  printf("%u files read, %u upward includes\n", fil_w, bad_w);
  T_EQ(bad_w, 0);
  return t_done();
}
