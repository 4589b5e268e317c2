/* The availability part of the reports: the timeline (ok / invoked per
 * window of the run) and per-node uptime, MTTF and MTTR, as JSON, text and
 * CSV. Windows are in time order and nodes in id order; a figure with no
 * sample is null in JSON, "n/a" in text and an empty field in CSV. */
#include "sim/report/availability.h"
#include "sim/kernel/internal.h"
#include "sim/report/report.h"
#include <math.h>
#include <string.h>

static double window_availability(const SimWindow *w)
{
  return w->invoked ? (double) w->ok / (double) w->invoked : NAN;
}

static GArray *timeline(Scenario *sc)
{
  return sim_availability_timeline(sc->sim, sc->window, sim_now(sc->sim));
}

static void add_number(JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name(b, name);
  if (isnan(v))
    json_builder_add_null_value(b);
  else
    json_builder_add_double_value(b, v);
}

static void add_count(JsonBuilder *b, const char *name, guint64 v)
{
  json_builder_set_member_name(b, name);
  json_builder_add_int_value(b, (gint64) v);
}

void report_availability_json(Scenario *sc, JsonBuilder *b)
{
  g_autoptr(GArray) tl = timeline(sc);
  json_builder_set_member_name(b, "availability_window_s");
  json_builder_add_double_value(b, sim_time_to_seconds(sc->window));
  json_builder_set_member_name(b, "availability_timeline");
  json_builder_begin_array(b);
  for (guint i = 0; i < tl->len; i++) {
    const SimWindow *w = &g_array_index(tl, SimWindow, i);
    json_builder_begin_object(b);
    add_number(b, "t_start_s", sim_time_to_seconds(w->start));
    add_number(b, "t_end_s", sim_time_to_seconds(w->end));
    add_count(b, "invoked", w->invoked);
    add_count(b, "ok", w->ok);
    add_number(b, "availability", window_availability(w));
    json_builder_end_object(b);
  }
  json_builder_end_array(b);

  SimTime end = sim_now(sc->sim);
  json_builder_set_member_name(b, "nodes");
  json_builder_begin_array(b);
  for (guint id = 0; id < sim_node_count(sc->sim); id++) {
    SimNodeUptime u;
    sim_node_uptime(sc->sim, (int) id, end, &u);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, sim_node_name(sim_node(sc->sim, (int) id)));
    add_number(b, "uptime", u.uptime);
    add_count(b, "crashes", u.crashes);
    add_number(b, "mttf_s", u.mttf_s);
    add_number(b, "mttr_s", u.mttr_s);
    report_service_json(sc, b, (int) id);
    report_clients_json(sc, b, (int) id);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
}

/* "%.3f s", or "n/a" for NAN, into a caller buffer. */
static const char *seconds_text(char *buf, size_t size, double s)
{
  if (isnan(s))
    g_strlcpy(buf, "n/a", size);
  else
    g_snprintf(buf, size, "%.3f s", s);
  return buf;
}

void report_availability_text(Scenario *sc, FILE *out)
{
  g_autoptr(GArray) tl = timeline(sc);
  fprintf(out, "  availability by window of %g s (\"-\": nothing invoked):", sim_time_to_seconds(sc->window));
  for (guint i = 0; i < tl->len; i++) {
    const SimWindow *w = &g_array_index(tl, SimWindow, i);
    if (i % 10 == 0)
      fprintf(out, "\n    %8.3f s:", sim_time_to_seconds(w->start));
    double a = window_availability(w);
    if (isnan(a))
      fprintf(out, "     -");
    else
      fprintf(out, " %5.3f", a);
  }
  fputc('\n', out);
  SimTime end = sim_now(sc->sim);
  for (guint id = 0; id < sim_node_count(sc->sim); id++) {
    SimNodeUptime u;
    sim_node_uptime(sc->sim, (int) id, end, &u);
    char up[32], f[32], r[32];
    if (isnan(u.uptime))
      g_strlcpy(up, "n/a", sizeof up);
    else
      g_snprintf(up, sizeof up, "%.4f", u.uptime);
    fprintf(out, "  node %-10s uptime %s  crashes %" G_GUINT64_FORMAT "  MTTF %s  MTTR %s\n",
            sim_node_name(sim_node(sc->sim, (int) id)), up, u.crashes, seconds_text(f, sizeof f, u.mttf_s),
            seconds_text(r, sizeof r, u.mttr_s));
  }
  report_service_text(sc, out);
  report_clients_text(sc, out);
}

/* Exact decimal seconds of a time: "1.5", "0.000000001", "12". */
static void put_seconds(GString *s, SimTime t)
{
  g_string_append_printf(s, "%" G_GINT64_FORMAT, t / SIM_S);
  SimTime frac = t % SIM_S;
  if (frac) {
    char digits[16];
    g_snprintf(digits, sizeof digits, "%09" G_GINT64_FORMAT, frac);
    for (size_t n = strlen(digits); n > 0 && digits[n - 1] == '0'; n--)
      digits[n - 1] = '\0';
    g_string_append_printf(s, ".%s", digits);
  }
}

void report_availability_csv(Scenario *sc, FILE *out)
{
  g_autoptr(GArray) tl = timeline(sc);
  g_autoptr(GString) s = g_string_new("t_start_s,t_end_s,invoked,ok,availability\n");
  for (guint i = 0; i < tl->len; i++) {
    const SimWindow *w = &g_array_index(tl, SimWindow, i);
    put_seconds(s, w->start);
    g_string_append_c(s, ',');
    put_seconds(s, w->end);
    g_string_append_printf(s, ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",", w->invoked, w->ok);
    double a = window_availability(w);
    if (!isnan(a)) {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append(s, g_ascii_formatd(buf, sizeof buf, "%.6f", a));
    }
    g_string_append_c(s, '\n');
  }
  fwrite(s->str, 1, s->len, out);
}
