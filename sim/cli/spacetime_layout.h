/* Where the text of a space-time diagram goes, so that no label overprints
 * another. Messages sent at nearly the same time have labels at nearly the
 * same height; this moves each label up or down by whole text lines, the
 * least distance that finds it free room, and says when a label ended up
 * away from the point it belongs to (the plot then draws a leader line).
 *
 * Positions are in the diagram's own units: x in node columns (column i is
 * at x = i), y in milliseconds of simulated time. The page geometry that
 * turns text into those units is fixed here and in plots/spacetime.gp,
 * which draws exactly SPACETIME_COL_PX pixels per column and
 * SPACETIME_PLOT_PX pixels of time axis. */
#pragma once
#include <glib.h>

#define SPACETIME_COL_PX 170.0  /* pixels per node column */
#define SPACETIME_PLOT_PX 760.0 /* pixels from the first to the last time drawn */
#define SPACETIME_CHAR_PX 5.5   /* average width of a character of the 7 pt labels */
#define SPACETIME_LINE_PX 11.0  /* height of one line of label text */

typedef struct {
  double ax, ay;     /* the point the label belongs to */
  double x, y;       /* the label's left edge and vertical centre */
  double w;          /* its width, in columns */
  char *text;
  const char *klass; /* what it labels: "message", "lost", "mark" or "event";
                        NULL for an obstacle: a drawn shape labels keep off */
  gboolean leader;   /* set by layout: moved away from (ax, ay) by a line or more */
} SpacetimeLabel;

/* The width in columns of `text` drawn as a label. */
double spacetime_text_width(const char *text);

/* A new label for the point (ax, ay) whose left edge is at x; owns a copy of
 * text. */
SpacetimeLabel *spacetime_label_new(double ax, double ay, double x, const char *text, const char *klass);
/* An obstacle: the shape from column x to x + w at height y (a lost
 * message's stub and cross, a mark), which labels are kept off and which
 * never moves. */
SpacetimeLabel *spacetime_obstacle_new(double x, double w, double y);
void spacetime_label_free(gpointer label);

/* Places every label of `labels` (SpacetimeLabel*): keeps x, clamped into
 * [xmin, xmax]; moves y by whole lines of `line_ms` (up to `max_lines`
 * either way, nearest first, down before up) until the label's box
 * overlaps no obstacle and no label placed before it, in order of anchor
 * time. A label that finds no room within max_lines stays at its anchor.
 * Obstacles stay where they are. Deterministic: the result depends only on
 * the labels and their order. */
void spacetime_layout(GPtrArray *labels, double line_ms, guint max_lines, double xmin, double xmax);

/* The drawn time axis. A window often holds bursts of messages a few
 * milliseconds long separated by long idle stretches; drawn to scale, the
 * bursts (where a failure happens) shrink to a sliver. The map keeps time
 * to scale inside bursts and draws each idle stretch shorter: a stretch
 * between two consecutive times drawn is idle when it is longer than
 * SPACETIME_IDLE_FACTOR times the median stretch, and every idle stretch is
 * drawn `cap` long, chosen so that the bursts get SPACETIME_BURST_SHARE of
 * the axis (never longer than the idle threshold, never longer than the
 * stretch itself). Order is always kept: a later time is never drawn above
 * an earlier one. The plot marks each shortened stretch with its real
 * length. Evenly spread activity has no idle stretch and stays to scale. */
#define SPACETIME_IDLE_FACTOR 8.0
#define SPACETIME_BURST_SHARE 0.6

typedef struct {
  GArray *t;   /* the distinct times drawn, ascending (ms) */
  GArray *y;   /* where each is drawn (drawn ms: time with idle stretches shortened) */
  double idle; /* a stretch longer than this is idle; INFINITY when none is */
  double cap;  /* how long an idle stretch is drawn at most */
} SpacetimeTimeMap;

/* A map for `times` (ms, in any order, repeats allowed); with `linear` every
 * stretch keeps its length. */
SpacetimeTimeMap *spacetime_time_map_new(const GArray *times, gboolean linear);
void spacetime_time_map_free(SpacetimeTimeMap *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SpacetimeTimeMap, spacetime_time_map_free)
/* Where time t (ms) is drawn: exact for the map's own times, interpolated
 * between them, shifted outside them. */
double spacetime_time_map_y(const SpacetimeTimeMap *m, double t);
/* TRUE if the stretch from the i-th to the (i+1)-th time is drawn shorter
 * than it is. */
gboolean spacetime_time_map_shortened(const SpacetimeTimeMap *m, guint i);
