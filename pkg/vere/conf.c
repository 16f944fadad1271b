/// @file conf.c
/// The stored workload: PIER/.urb/conf keeps the workload, seed and size
/// the pier was made with, so that a resume continues the same event stream.
/// It is five or six lines of ASCII, each ended by '\n':
///
///     urbit-pier-conf 1
///     workload NAME          (kv, churn, blob or mixed)
///     seed DECIMAL
///     size DECIMAL           (MiB, 1 to 8192)
///     dup DECIMAL            (1 to 100; only for a pier made with --dup)
///     crc32c XXXXXXXX        (8 lower-case hex digits)
///
/// where the CRC-32C covers every byte of the lines before it.  A pier
/// without duplicates has no dup line, so its file is the one earlier
/// versions wrote.  It is written before the first event is logged
/// (conf.new, fsync, rename, fsync of .urb), and never rewritten.  A
/// resume takes the stored values for -w, --seed, --size and --dup left
/// out, and refuses a given one that
/// differs.  A damaged file is refused with a message, never replaced.
/// A pier made before the file existed (a log but no conf) gets one on
/// its first resume, from that run's flags or defaults, with a note.
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "c3/crc.h"
#include "vere/kernel.h"
#include "vere/log.h"
#include "vere/path.h"
#include "vere/pier.h"
#include "vere/pier_in.h"

#define _cp_conf_max 512    //  a conf file is never longer

/* _cp_conf_text(): con_u as conf text in buf_c; its length. */
static c3_z
_cp_conf_text(const u3_pier_conf* con_u, c3_c* buf_c, c3_z siz_z)
{
  c3_i len_i = snprintf(buf_c, siz_z, "urbit-pier-conf 1\nworkload %s\nseed %llu\n"
                                      "size %u\n",
                        u3_kern_name(con_u->wok_i), (unsigned long long)con_u->seed_d,
                        con_u->size_w);
  if ( con_u->dup_w ) {
    len_i += snprintf(buf_c + len_i, siz_z - (c3_z)len_i, "dup %u\n", con_u->dup_w);
  }
  c3_w crc_w = c3_crc32c(0, buf_c, (c3_z)len_i);
  len_i += snprintf(buf_c + len_i, siz_z - (c3_z)len_i, "crc32c %08x\n", crc_w);
  return (c3_z)len_i;
}

/* _cp_conf_parse(): the values of conf text buf_c (NUL-terminated, len_z
**   bytes); 0, or -1 with why_c saying what is wrong.  Only the exact text
**   _cp_conf_text() writes is accepted.
*/
static c3_i
_cp_conf_parse(const c3_c* buf_c, c3_z len_z, u3_pier_conf* con_u, const c3_c** why_c)
{
  const c3_c* crc_c = strstr(buf_c, "crc32c ");
  c3_c wok_c[16], hex_c[16], can_c[_cp_conf_max];
  unsigned long long sed_ll;
  unsigned siz_u, crc_u, dup_u = 0;
  c3_i     num_i;

  *why_c = "not a pier conf file";
  if (  !crc_c || (crc_c != buf_c && '\n' != crc_c[-1])
     || 1 != sscanf(crc_c, "crc32c %15[0-9a-f]", hex_c)
     || 1 != sscanf(hex_c, "%x", &crc_u) )
  {
    return -1;
  }
  if ( c3_crc32c(0, buf_c, (c3_z)(crc_c - buf_c)) != (c3_w)crc_u ) {
    *why_c = "checksum mismatch";
    return -1;
  }
  *why_c = "malformed";
  num_i = sscanf(buf_c, "urbit-pier-conf 1 workload %15[a-z] seed %llu size %u "
                       "dup %u", wok_c, &sed_ll, &siz_u, &dup_u);
  if (  num_i < 3
     || 0 > (con_u->wok_i = u3_kern_workload(wok_c))
     || siz_u < 1 || siz_u > 8192 || dup_u > 100 )
  {
    return -1;
  }
  con_u->seed_d = (c3_d)sed_ll;
  con_u->size_w = (c3_w)siz_u;
  con_u->dup_w  = (c3_w)dup_u;
  if (  _cp_conf_text(con_u, can_c, sizeof(can_c)) != len_z
     || memcmp(can_c, buf_c, len_z) )
  {
    return -1;
  }
  return 0;
}

/* u3_pier_conf_read(): the pier's stored workload: 0, 1 if none, -1. */
c3_i
u3_pier_conf_read(const c3_c* dir_c, u3_pier_conf* con_u)
{
  c3_c    pat_c[u3_path_max], buf_c[_cp_conf_max + 1];
  c3_i    fid_i;
  ssize_t len_i;
  const c3_c* why_c;

  if ( u3_path_put(pat_c, dir_c, u3_path_conf) ) {
    return -1;
  }
  if ( 0 > (fid_i = open(pat_c, O_RDONLY)) ) {
    if ( ENOENT == errno || ENOTDIR == errno ) {
      return 1;
    }
    fprintf(stderr, "urbit: open %s: %s\n", pat_c, strerror(errno));
    return -1;
  }
  len_i = read(fid_i, buf_c, _cp_conf_max + 1);
  if ( len_i < 0 ) {
    fprintf(stderr, "urbit: read %s: %s\n", pat_c, strerror(errno));
    close(fid_i);
    return -1;
  }
  close(fid_i);
  buf_c[c3_min(len_i, _cp_conf_max)] = 0;
  if ( len_i > _cp_conf_max || strlen(buf_c) != (c3_z)len_i ) {
    why_c = "not a pier conf file";
  }
  else if ( 0 == _cp_conf_parse(buf_c, (c3_z)len_i, con_u, &why_c) ) {
    return 0;
  }
  fprintf(stderr, "urbit: %s is damaged (%s): it records the pier's workload "
                  "(-w, --seed, --size, --dup); restore it, or remove it and "
                  "give those flags with the values the pier was made with\n",
          pat_c, why_c);
  return -1;
}

/* _cp_conf_write(): store con_u as dir_c's conf durably; 0 or -1. */
static c3_i
_cp_conf_write(const c3_c* dir_c, const u3_pier_conf* con_u)
{
  c3_c pat_c[u3_path_max], new_c[u3_path_max], urb_c[u3_path_max];
  c3_c buf_c[_cp_conf_max];
  c3_z len_z = _cp_conf_text(con_u, buf_c, sizeof(buf_c));
  c3_i fid_i;
  const c3_c* cal_c;
  const c3_c* obj_c = new_c;

  if (  u3_path_put(urb_c, dir_c, u3_path_urb)
     || u3_path_put(pat_c, dir_c, u3_path_conf)
     || u3_path_put(new_c, dir_c, u3_path_conf_new) )
  {
    return -1;
  }
  if ( 0 > (fid_i = open(new_c, O_WRONLY | O_CREAT | O_TRUNC, 0644)) ) {
    cal_c = "open";
    goto fail;
  }
  errno = ENOSPC;  //  a short write sets no errno
  if ( (ssize_t)len_z != write(fid_i, buf_c, len_z) ) {
    cal_c = "write";
    close(fid_i);
    goto fail;
  }
  if ( fsync(fid_i) ) {
    cal_c = "fsync";
    close(fid_i);
    goto fail;
  }
  if ( close(fid_i) ) {
    cal_c = "close";
    goto fail;
  }
  if ( rename(new_c, pat_c) ) {
    cal_c = "rename";
    goto fail;
  }
  obj_c = urb_c;
  if ( 0 > (fid_i = open(urb_c, O_RDONLY | O_DIRECTORY)) ) {
    cal_c = "open";
    goto fail;
  }
  if ( fsync(fid_i) ) {
    cal_c = "fsync";
    close(fid_i);
    goto fail;
  }
  close(fid_i);
  return 0;

fail:
  fprintf(stderr, "urbit: %s %s: %s\n", cal_c, obj_c, strerror(errno));
  unlink(new_c);
  return -1;
}

/* _cp_conf_keep(): before the first new event: the pier's stored
**   workload must be this run's, or is stored now.  0 or -1.
*/
c3_i
_cp_conf_keep(const u3_pier_opts* opt_u, u3_log* log_u)
{
  u3_pier_conf con_u;
  c3_i ret_i = u3_pier_conf_read(opt_u->dir_c, &con_u);

  if ( ret_i < 0 ) {
    u3_pier_fail("the pier's stored workload (.urb/conf) is damaged");
    return -1;
  }
  if ( 0 == ret_i ) {
    if ( con_u.wok_i != opt_u->wok_i || con_u.seed_d != opt_u->seed_d
         || con_u.size_w != opt_u->size_w || con_u.dup_w != opt_u->dup_w )
    {
      fprintf(stderr, "urbit: %s: the pier's stored workload (-w %s --seed %llu "
                      "--size %u --dup %u) is not this run's; refusing to go on\n",
              opt_u->dir_c, u3_kern_name(con_u.wok_i),
              (unsigned long long)con_u.seed_d, con_u.size_w, con_u.dup_w);
      u3_pier_fail("the pier's stored workload is not this run's");
      return -1;
    }
    return 0;
  }
  con_u.wok_i  = opt_u->wok_i;
  con_u.seed_d = opt_u->seed_d;
  con_u.size_w = opt_u->size_w;
  con_u.dup_w  = opt_u->dup_w;
  if ( u3_log_last(log_u) > 0 ) {
    fprintf(stderr, "urbit: note: %s has no stored workload (made by an older "
                    "urbit); storing this run's: -w %s --seed %llu --size %u "
                    "--dup %u\n",
            opt_u->dir_c, u3_kern_name(con_u.wok_i),
            (unsigned long long)con_u.seed_d, con_u.size_w, con_u.dup_w);
  }
  if ( _cp_conf_write(opt_u->dir_c, &con_u) ) {
    u3_pier_fail("cannot store the pier's workload (.urb/conf)");
    return -1;
  }
  return 0;
}
