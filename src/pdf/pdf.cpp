// PDF rendering with cairo (drawing, PDF surface) and pango (text layout), the DVH
// plot drawn from the same shapes as the HTML's SVG (render/dvh_plot.h). A small flow layout:
// a cursor moves down the page; headings keep with what follows; table rows never
// split and the header row repeats on each page. Two passes: the first only measures
// (it draws nothing) and counts the pages so the footer can say "page N of M"; the
// second draws. Each distinct text is laid out once (TextCache) and the same layout
// is measured in the first pass and drawn in the second: shaping was most of the time.
// Text is handed to cairo in as few calls as give the same glyphs (TextBatch).
#include "pdf/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <map>
#include <memory>
#include <numbers>
#include <numeric>
#include <tuple>

#include "render/dvh_plot.h"
#include "render/text_util.h"
#include "rtreview/render.h"

namespace rtreview {

namespace {

using render_detail::display_person_name;
using render_detail::join;

struct Rgb {
  double r = 0.11, g = 0.11, b = 0.12;
};
constexpr Rgb black{};
constexpr Rgb muted{0.37, 0.39, 0.41};
constexpr Rgb green{0.11, 0.50, 0.23};
constexpr Rgb red{0.70, 0.15, 0.12};
constexpr Rgb amber{0.63, 0.36, 0.0};

Rgb outcome_color(const std::string& text) {
  if (text == "MEETS" || text == "pass" || text == "met") return green;
  if (text == "DOES NOT MEET" || text == "fail" || text == "not met" || text == "NO POLICY") return red;
  if (text == "INSUFFICIENT DOCUMENTATION" || text == "not_evaluable" || text == "unknown") return amber;
  return black;
}

// "#rrggbb" (the packet's colours); black for anything else.
Rgb rgb_of(const std::string& hex) {
  unsigned value = 0;
  const char* digits = hex.data() + 1;
  if (hex.size() != 7 || hex[0] != '#' || !std::all_of(digits, digits + 6, ::isxdigit) ||
      std::from_chars(digits, digits + 6, value, 16).ec != std::errc())
    return Rgb{0, 0, 0};
  return Rgb{((value >> 16) & 0xff) / 255.0, ((value >> 8) & 0xff) / 255.0, (value & 0xff) / 255.0};
}

struct Cell {
  std::string text;
  Rgb color = black;
  bool bold = false;
};
Cell cell(std::string text) { return Cell{std::move(text)}; }
Cell status_cell(const std::string& text) { return Cell{text, outcome_color(text), true}; }

struct Column {
  std::string title;
  double weight = 1.0;  // share of the table width
  bool right = false;
};

cairo_status_t stream_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

std::string valid_utf8(const std::string& s) {
  gchar* v = g_utf8_make_valid(s.c_str(), static_cast<gssize>(s.size()));
  std::string out = v;
  g_free(v);
  return out;
}

// The module's font map, shared by its renders (they run one at a time: module.cpp's lock)
// instead of each thread's default one, so that warm_up_pdf_fonts, run by the loader (on the
// preload thread while the program reads and computes DVHs), leaves fontconfig set up and the
// packet's fonts loaded for the first render.
PangoFontMap* module_font_map() {
  static PangoFontMap* const map = pango_cairo_font_map_new();
  return map;
}

// Pango layouts by (text, width, size, weight), shared by both passes: one pango context
// (made from the first pass's cairo context: both passes draw on PDF surfaces with the same
// options, so the metrics are the same) and one layout per distinct text.
class TextCache {
 public:
  struct Laid {
    PangoLayout* layout = nullptr;
    double width_pt = 0, height_pt = 0;
    int lines = 0;
    // Where the text starts right of the layout's origin: 0 for left-to-right text; a
    // right-to-left paragraph is aligned to the layout's right edge.
    double left_pt = 0;
  };
  TextCache() = default;
  TextCache(const TextCache&) = delete;
  TextCache& operator=(const TextCache&) = delete;
  ~TextCache() {
    for (auto& [key, laid] : laid_) g_object_unref(laid.layout);
    if (context_) g_object_unref(context_);
  }

  void attach(cairo_t* cr) {
    if (context_) return;
    context_ = pango_font_map_create_context(module_font_map());  // as pango_cairo_create_context
    pango_cairo_update_context(cr, context_);
    cairo_font_options_t* fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);  // same metrics in both passes
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(context_, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_round_glyph_positions(context_, FALSE);
  }

  const Laid& get(const std::string& text, double width_pt, double size, bool bold) {
    const int width = static_cast<int>(std::max(10.0, width_pt) * PANGO_SCALE);
    auto [it, added] = laid_.try_emplace(Key{text, width, size, bold});
    if (!added) return it->second;
    PangoLayout* layout = pango_layout_new(context_);
    PangoFontDescription* fd = pango_font_description_new();
    pango_font_description_set_family(fd, "DejaVu Sans");
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(layout, width);
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    std::string v = valid_utf8(text);
    pango_layout_set_text(layout, v.c_str(), -1);
    PangoRectangle logical;
    pango_layout_get_extents(layout, nullptr, &logical);
    it->second = Laid{layout, static_cast<double>(logical.width) / PANGO_SCALE,
                      static_cast<double>(logical.height) / PANGO_SCALE, pango_layout_get_line_count(layout),
                      static_cast<double>(logical.x) / PANGO_SCALE};
    return it->second;
  }

 private:
  using Key = std::tuple<std::string, int, double, bool>;
  PangoContext* context_ = nullptr;
  std::map<Key, Laid> laid_;
};

// Text runs drawn with as few cairo calls as possible. cairo's PDF surface pays a large
// fixed cost per drawing call (each is recorded, analysed and replayed), and
// pango_cairo_show_layout makes one per run: consecutive runs with the same font and colour
// go out here as one cairo_show_text_glyphs with the same glyphs, positions and text
// clusters pango's cairo renderer computes (base + (x + x_offset) / PANGO_SCALE, clusters
// from PangoGlyphItemIter). A layout holding anything else (right-to-left or shifted runs,
// attributes, glyphs the font lacks, colour glyphs) is left to pango: add() says false.
class TextBatch {
 public:
  bool add(cairo_t* cr, PangoLayout* layout, double x, double y, Rgb color) {
    if (!plain(layout)) return false;
    // The origin as pango_cairo_show_layout takes it: cairo's current point, which holds the
    // position in cairo's fixed point (1/256 unit), not the double given.
    cairo_move_to(cr, x, y);
    cairo_get_current_point(cr, &x, &y);
    const char* text = pango_layout_get_text(layout);
    PangoLayoutIter* iter = pango_layout_get_iter(layout);
    do {
      PangoLayoutLine* line = pango_layout_iter_get_line_readonly(iter);
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(iter, nullptr, &logical);
      const double base_y = y + static_cast<double>(pango_layout_iter_get_baseline(iter)) / PANGO_SCALE;
      int x_off = 0;
      for (GSList* l = line->runs; l; l = l->next) {
        const auto* run = static_cast<const PangoGlyphItem*>(l->data);
        cairo_scaled_font_t* font =
            pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(run->item->analysis.font));
        if (font != font_ || color.r != color_.r || color.g != color_.g || color.b != color_.b) {
          flush(cr);
          font_ = font;
          color_ = color;
        }
        append_run(run, text, x + static_cast<double>(logical.x + x_off) / PANGO_SCALE, base_y);
        x_off += pango_glyph_string_get_width(run->glyphs);
      }
    } while (pango_layout_iter_next_line(iter));
    pango_layout_iter_free(iter);
    return true;
  }

  void flush(cairo_t* cr) {
    if (!glyphs_.empty() || !utf8_.empty()) {
      cairo_save(cr);
      cairo_set_scaled_font(cr, font_);
      cairo_set_source_rgb(cr, color_.r, color_.g, color_.b);
      cairo_show_text_glyphs(cr, utf8_.data(), static_cast<int>(utf8_.size()), glyphs_.data(),
                             static_cast<int>(glyphs_.size()), clusters_.data(),
                             static_cast<int>(clusters_.size()), cairo_text_cluster_flags_t{});
      cairo_restore(cr);
    }
    glyphs_.clear();
    clusters_.clear();
    utf8_.clear();
    font_ = nullptr;
  }

 private:
  static bool plain(PangoLayout* layout) {
    for (GSList* lines = pango_layout_get_lines_readonly(layout); lines; lines = lines->next)
      for (GSList* l = static_cast<PangoLayoutLine*>(lines->data)->runs; l; l = l->next) {
        const auto* run = static_cast<const PangoGlyphItem*>(l->data);
        const PangoAnalysis& a = run->item->analysis;
        if ((a.level & 1) != 0 || a.extra_attrs != nullptr ||
            (a.flags & PANGO_ANALYSIS_FLAG_CENTERED_BASELINE) != 0 || run->y_offset != 0 ||
            run->start_x_offset != 0 || run->end_x_offset != 0 || !PANGO_IS_CAIRO_FONT(a.font))
          return false;
        cairo_scaled_font_t* font = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(a.font));
        if (!font || cairo_scaled_font_status(font) != CAIRO_STATUS_SUCCESS) return false;
        for (int i = 0; i < run->glyphs->num_glyphs; ++i) {
          const PangoGlyphInfo& g = run->glyphs->glyphs[i];
          if (g.glyph != PANGO_GLYPH_EMPTY && ((g.glyph & PANGO_GLYPH_UNKNOWN_FLAG) != 0 || g.attr.is_color))
            return false;
        }
      }
    return true;
  }

  void append_run(const PangoGlyphItem* run, const char* text, double base_x, double base_y) {
    const PangoGlyphString* glyphs = run->glyphs;
    int x_position = 0;
    for (int i = 0; i < glyphs->num_glyphs; ++i) {
      const PangoGlyphInfo& g = glyphs->glyphs[i];
      if (g.glyph != PANGO_GLYPH_EMPTY) {
        double cx = base_x + static_cast<double>(x_position + g.geometry.x_offset) / PANGO_SCALE;
        double cy = g.geometry.y_offset == 0
                        ? base_y
                        : base_y + static_cast<double>(g.geometry.y_offset) / PANGO_SCALE;
        glyphs_.push_back(cairo_glyph_t{g.glyph, cx, cy});
      }
      x_position += g.geometry.width;
    }
    PangoGlyphItemIter iter;
    PangoGlyphItem* item = const_cast<PangoGlyphItem*>(run);
    for (bool more = pango_glyph_item_iter_init_start(&iter, item, text); more;
         more = pango_glyph_item_iter_next_cluster(&iter)) {
      int num_glyphs = iter.end_glyph - iter.start_glyph;
      for (int i = iter.start_glyph; i < iter.end_glyph; ++i)
        if (glyphs->glyphs[i].glyph == PANGO_GLYPH_EMPTY) --num_glyphs;
      clusters_.push_back(cairo_text_cluster_t{iter.end_index - iter.start_index, num_glyphs});
    }
    utf8_.append(text + run->item->offset, static_cast<std::size_t>(run->item->length));
  }

  cairo_scaled_font_t* font_ = nullptr;
  Rgb color_;
  std::vector<cairo_glyph_t> glyphs_;
  std::vector<cairo_text_cluster_t> clusters_;
  std::string utf8_;
};

constexpr double page_margin_pt = 40;
double page_width_pt(PaperSize paper) { return paper == PaperSize::a4 ? 595.28 : 612.0; }
double page_height_pt(PaperSize paper) { return paper == PaperSize::a4 ? 841.89 : 792.0; }

// The DVH plot's text size (points) once its picture is scaled to `width_pt`.
double plot_text_pt(const render_detail::DvhPlot& plot, double width_pt) {
  return plot.font_size_px * width_pt / plot.width_px;
}

class PdfWriter {
 public:
  // `total_pages` 0: the measuring pass (nothing is drawn; finish() gives the page count).
  PdfWriter(std::string* out, PaperSize paper, std::string header_left, std::string footer_left,
            int total_pages, TextCache& texts)
      : texts_(texts),
        header_left_(std::move(header_left)),
        footer_left_(std::move(footer_left)),
        total_pages_(total_pages),
        measuring_(total_pages == 0) {
    page_w_ = page_width_pt(paper);
    page_h_ = page_height_pt(paper);
    surface_ = cairo_pdf_surface_create_for_stream(stream_to_string, out, page_w_, page_h_);
    cr_ = cairo_create(surface_);
    // Fixed metadata: no wall clock in the document info (cairo 1.16 still adds
    // /CreationDate of its own when this is unsupported; see render.h).
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z");
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_MOD_DATE, "2000-01-01T00:00:00Z");
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATOR, "rtreview " RTREVIEW_VERSION);
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_TITLE, valid_utf8(header_left_).c_str());
    texts_.attach(cr_);
    start_page();
  }
  ~PdfWriter() {
    cairo_destroy(cr_);
    cairo_surface_destroy(surface_);
  }
  PdfWriter(const PdfWriter&) = delete;
  PdfWriter& operator=(const PdfWriter&) = delete;

  // Ends the document; returns cairo's status text ("" when fine) and the page count.
  std::string finish(int& pages) {
    end_page();
    cairo_surface_finish(surface_);
    pages = page_;
    cairo_status_t st = cairo_surface_status(surface_);
    return st == CAIRO_STATUS_SUCCESS ? "" : cairo_status_to_string(st);
  }

  double content_width() const { return page_w_ - 2 * margin_; }

  void heading(const std::string& text, int level) {
    double size = level == 1 ? 14 : 11;
    ensure_space(level == 1 ? 90 : 60);
    y_ += level == 1 ? 10 : 6;
    double h = draw_text(text, margin_, y_, content_width(), size, true, black, true);
    y_ += h + 2;
    if (level == 1) {
      if (!measuring_) {
        batch_.flush(cr_);  // lines and fills keep their place between texts
        cairo_set_source_rgb(cr_, black.r, black.g, black.b);
        cairo_set_line_width(cr_, 1.2);
        cairo_move_to(cr_, margin_, y_);
        cairo_line_to(cr_, page_w_ - margin_, y_);
        cairo_stroke(cr_);
      }
      y_ += 5;
    }
  }

  void paragraph(const std::string& text, double size = 8.5, Rgb color = black, bool bold = false,
                 double indent = 0) {
    if (text.empty()) return;
    double w = content_width() - indent;
    double h = draw_text(text, margin_ + indent, y_, w, size, bold, color, false);
    if (y_ + h > bottom()) {
      new_page();
    }
    draw_text(text, margin_ + indent, y_, w, size, bold, color, true);
    y_ += h + 2;
  }

  void space(double pts) { y_ += pts; }

  void table(const std::vector<Column>& columns, const std::vector<std::vector<Cell>>& rows,
             double size = 7.5) {
    double total = 0;
    for (const auto& c : columns) total += c.weight;
    std::vector<double> widths;
    for (const auto& c : columns) widths.push_back(content_width() * c.weight / total);
    std::vector<Cell> header;
    for (const auto& c : columns) header.push_back(Cell{c.title, black, true});
    auto row_height = [&](const std::vector<Cell>& row) {
      double h = 0;
      for (std::size_t i = 0; i < columns.size() && i < row.size(); ++i)
        h = std::max(h, draw_text(row[i].text, 0, 0, widths[i] - 2 * pad_, size, row[i].bold, black, false));
      return h + 2 * pad_;
    };
    bool has_header =
        std::any_of(columns.begin(), columns.end(), [](const Column& c) { return !c.title.empty(); });
    double header_h = has_header ? row_height(header) : 0;
    ensure_space(header_h + (rows.empty() ? 0 : row_height(rows.front())));
    if (has_header) draw_row(columns, widths, header, header_h, size, true);
    for (const auto& row : rows) {
      double h = row_height(row);
      if (y_ + h > bottom() && y_ > top() + header_h + 1) {  // a row never splits; header repeats
        new_page();
        if (has_header) draw_row(columns, widths, header, header_h, size, true);
      }
      draw_row(columns, widths, row, h, size, false);
    }
    y_ += 6;
  }

  // Draws the DVH plot scaled to `width` points (its pixels become width / width_px points
  // each), clipped to its box as the HTML's inline SVG is (a long legend name ends there).
  // The measuring pass only reserves its height.
  void plot(const render_detail::DvhPlot& plot, double width) {
    const double scale = width / plot.width_px, height = plot.height_px * scale;
    ensure_space(height + 4);
    if (!measuring_) {
      batch_.flush(cr_);
      const double x0 = margin_, y0 = y_;
      cairo_save(cr_);
      cairo_rectangle(cr_, x0, y0, width, height);
      cairo_clip(cr_);
      auto at = [&](const PlotPoint& p) { return PlotPoint{x0 + p.x * scale, y0 + p.y * scale}; };
      const double text_pt = plot_text_pt(plot, width);
      for (const auto& shape : plot.shapes) draw_shape(shape, at, scale, text_pt);
      batch_.flush(cr_);  // inside the clip
      cairo_restore(cr_);
    }
    y_ += height + 6;
  }

  void ensure_space(double h) {
    if (y_ + h > bottom() && y_ > top() + 1) new_page();
  }

 private:
  double top() const { return margin_ + 22; }
  double bottom() const { return page_h_ - margin_ - 16; }

  // One shape of the plot in page points (`at` maps its pixels); texts through the text
  // cache like every other text, their anchor point on the baseline as in the SVG.
  template <class At>
  void draw_shape(const render_detail::PlotShape& shape, const At& at, double scale, double font_pt) {
    using Kind = render_detail::PlotShape::Kind;
    const auto& p = shape.points;
    if (shape.kind == Kind::text) {
      const Rgb color = rgb_of(shape.fill);  // black when empty or unreadable, as SVG's default fill
      const TextCache::Laid& laid = texts_.get(shape.text, unwrapped_pt, font_pt, false);
      const double anchored = shape.anchor == render_detail::TextAnchor::start    ? 0
                              : shape.anchor == render_detail::TextAnchor::middle ? laid.width_pt / 2
                                                                                  : laid.width_pt;
      const double shift = laid.left_pt + anchored;  // from the layout's origin to the anchor
      const double baseline = static_cast<double>(pango_layout_get_baseline(laid.layout)) / PANGO_SCALE;
      const PlotPoint a = at(p[0]);
      if (!shape.rotated) {
        draw_text(shape.text, a.x - shift, a.y - baseline, unwrapped_pt, font_pt, false, color, true);
        return;
      }
      batch_.flush(cr_);  // the batch draws in the coordinates current when it flushes
      cairo_save(cr_);
      cairo_translate(cr_, a.x, a.y);
      cairo_rotate(cr_, -std::numbers::pi / 2);
      draw_text(shape.text, -shift, -baseline, unwrapped_pt, font_pt, false, color, true);
      batch_.flush(cr_);
      cairo_restore(cr_);
      return;
    }
    batch_.flush(cr_);
    if (shape.kind == Kind::rect) {
      const PlotPoint a = at(p[0]);
      cairo_rectangle(cr_, a.x, a.y, p[1].x * scale, p[1].y * scale);
      if (!shape.fill.empty()) {
        set_color(rgb_of(shape.fill));
        cairo_fill_preserve(cr_);
      }
    } else {
      for (std::size_t i = 0; i < p.size(); ++i) {
        const PlotPoint a = at(p[i]);
        if (i == 0)
          cairo_move_to(cr_, a.x, a.y);
        else
          cairo_line_to(cr_, a.x, a.y);
      }
    }
    if (shape.stroke.empty()) {  // no outline (SVG's stroke="none")
      cairo_new_path(cr_);
      return;
    }
    set_color(rgb_of(shape.stroke));
    cairo_set_line_width(cr_, (shape.stroke_width_px > 0 ? shape.stroke_width_px : 1.0) * scale);
    std::vector<double> dash;
    for (double d : shape.dash_px) dash.push_back(d * scale);
    cairo_set_dash(cr_, dash.data(), static_cast<int>(dash.size()), 0);
    cairo_stroke(cr_);
    cairo_set_dash(cr_, nullptr, 0, 0);
  }

  void set_color(Rgb c) { cairo_set_source_rgb(cr_, c.r, c.g, c.b); }

  // Lays out (and draws when `draw`) text at (x, y) within `width`; returns its height.
  double draw_text(const std::string& text, double x, double y, double width, double size, bool bold,
                   Rgb color, bool draw) {
    const TextCache::Laid& laid = texts_.get(text, width, size, bold);
    if (draw && !measuring_ && !batch_.add(cr_, laid.layout, x, y, color)) {
      batch_.flush(cr_);  // keeps the text's order
      cairo_set_source_rgb(cr_, color.r, color.g, color.b);
      cairo_move_to(cr_, x, y);
      pango_cairo_show_layout(cr_, laid.layout);
    }
    return laid.height_pt;
  }

  void draw_row(const std::vector<Column>& columns, const std::vector<double>& widths,
                const std::vector<Cell>& row, double h, double size, bool header) {
    if (measuring_) {
      y_ += h;
      return;
    }
    if (header) {
      batch_.flush(cr_);
      cairo_set_source_rgb(cr_, 0.945, 0.953, 0.957);
      cairo_rectangle(cr_, margin_, y_, content_width(), h);
      cairo_fill(cr_);
    }
    // The row's cell borders as one path of lines and one stroke (cairo's PDF output costs
    // much per stroke call): its top and bottom, and a line left of each cell and at its end.
    batch_.flush(cr_);
    cairo_set_source_rgb(cr_, 0.75, 0.77, 0.79);
    cairo_set_line_width(cr_, 0.4);
    cairo_set_line_cap(cr_, CAIRO_LINE_CAP_SQUARE);  // closes the corners as a rectangle's joins did
    const double right = margin_ + std::accumulate(widths.begin(), widths.end(), 0.0);
    for (double line_y : {y_, y_ + h}) {
      cairo_move_to(cr_, margin_, line_y);
      cairo_line_to(cr_, right, line_y);
    }
    double x = margin_;
    for (std::size_t i = 0; i <= columns.size(); ++i) {
      cairo_move_to(cr_, x, y_);
      cairo_line_to(cr_, x, y_ + h);
      if (i < columns.size()) x += widths[i];
    }
    cairo_stroke(cr_);
    cairo_set_line_cap(cr_, CAIRO_LINE_CAP_BUTT);
    x = margin_;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i < row.size()) {
        double tw = widths[i] - 2 * pad_;
        double tx = x + pad_;
        if (columns[i].right && !header) {
          double natural = natural_width(row[i].text, size, row[i].bold, tw);
          if (natural < tw) tx += tw - natural;
        }
        draw_text(row[i].text, tx, y_ + pad_, tw, size, row[i].bold, row[i].color, true);
      }
      x += widths[i];
    }
    y_ += h;
  }

  // The width of `text` on one line. A text that fits on one line within `fits_pt` has that
  // width in the layout already made for it there (same items, same shaping), so no second
  // layout is made; otherwise it is laid out without wrapping.
  double natural_width(const std::string& text, double size, bool bold, double fits_pt = 0) {
    if (fits_pt > 0) {
      const TextCache::Laid& laid = texts_.get(text, fits_pt, size, bold);
      if (laid.lines == 1) return laid.width_pt;
    }
    return texts_.get(text, unwrapped_pt, size, bold).width_pt;
  }

  void start_page() {
    ++page_;
    y_ = top();
    if (measuring_) return;
    const double hy = margin_;
    draw_text(header_left_, margin_, hy, content_width() - 90, 8, true, muted, true);
    std::string right = "rtreview " RTREVIEW_VERSION;
    double rw = natural_width(right, 8, false);
    draw_text(right, page_w_ - margin_ - rw, hy, unwrapped_pt, 8, false, muted, true);  // the measured layout
    batch_.flush(cr_);
    cairo_set_source_rgb(cr_, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr_, 0.5);
    cairo_move_to(cr_, margin_, hy + 14);
    cairo_line_to(cr_, page_w_ - margin_, hy + 14);
    cairo_stroke(cr_);
  }

  void end_page() {
    if (measuring_) return;
    double fy = page_h_ - margin_ - 6;
    batch_.flush(cr_);
    cairo_set_source_rgb(cr_, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr_, 0.5);
    cairo_move_to(cr_, margin_, fy - 3);
    cairo_line_to(cr_, page_w_ - margin_, fy - 3);
    cairo_stroke(cr_);
    draw_text(footer_left_, margin_, fy, content_width() - 90, 7.5, false, muted, true);
    std::string right =
        "page " + std::to_string(page_) + (total_pages_ > 0 ? " of " + std::to_string(total_pages_) : "");
    double rw = natural_width(right, 7.5, false);
    draw_text(right, page_w_ - margin_ - rw, fy, unwrapped_pt, 7.5, false, muted, true);
    batch_.flush(cr_);
    cairo_show_page(cr_);
  }

  void new_page() {
    end_page();
    start_page();
  }

  static constexpr double unwrapped_pt = 10000;  // a layout width no text here reaches
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
  TextCache& texts_;
  // Text waits here until the font or colour changes or a line, fill, plot or page end is
  // drawn: the content keeps the order it had with one cairo call per run.
  TextBatch batch_;
  std::string header_left_, footer_left_;
  int total_pages_ = 0;
  bool measuring_ = false;
  int page_ = 0;
  double page_w_ = 0, page_h_ = 0, margin_ = page_margin_pt, y_ = 0, pad_ = 2.5;
};

std::string evidence_text(const std::vector<Evidence>& evidence) {
  std::string s;
  for (const auto& e : evidence) s += "\n• " + e.label + ": " + e.value;
  return s;
}

void tree(PdfWriter& w, const EvaluatedNode& n, int depth) {
  const std::string kind = rule_kind_label(n.kind, n.at_least);
  std::string line = "[";
  line += to_string(n.result);
  line += "] ";
  if (!n.outline_id.empty()) line.append(n.outline_id).append(" ");
  if (!n.children.empty()) line.append("(").append(kind).append(") ");
  line += n.text;
  double indent = std::min(depth, 8) * 12.0;
  w.paragraph(line, 8, outcome_color(to_string(n.result)), !n.children.empty(), indent);
  std::string meta;
  if (!n.evidence.empty()) meta += "evidence: " + n.evidence;
  if (n.origin != Origin::none)
    meta += std::string(meta.empty() ? "" : " · ") + "origin: " + to_string(n.origin);
  if (!n.citation.empty()) meta += std::string(meta.empty() ? "" : " · ") + "cite: " + n.citation;
  w.paragraph(meta, 7, muted, false, indent + 10);
  for (const auto& s : n.supporting)
    w.paragraph("supporting evidence (does not decide): " + s.check_id + " [" + to_string(s.status) + "] " +
                    s.message + evidence_text(s.evidence),
                7, Rgb{0.15, 0.3, 0.6}, false, indent + 10);
  for (const auto& c : n.children) tree(w, c, depth + 1);
}

std::string dash(const std::string& s) { return s.empty() ? std::string("-") : s; }

void write_header(PdfWriter& w, const ReviewPacket& p) {
  std::vector<std::vector<Cell>> rows;
  w.heading(p.title, 1);
  std::string age = p.patient.age_years
                        ? format_number(*p.patient.age_years, 0) + " y (" + p.patient.age_source + ")"
                        : "-";
  std::string approval = p.plan.approval_status;
  if (!p.plan.reviewer_name.empty()) approval += " by " + display_person_name(p.plan.reviewer_name);
  if (!p.plan.review_date.empty()) approval += " on " + p.plan.review_date;
  std::vector<std::vector<Cell>> header_rows = {
      {Cell{"Patient", black, true},
       cell(dash(display_person_name(p.patient.name)) + " · ID " + dash(p.patient.id) + " · born " +
            dash(p.patient.birth_date) + " · age " + age + " · sex " + dash(p.patient.sex))},
      {Cell{"Plan", black, true}, cell(dash(p.plan.label) + " · date " + dash(p.plan.date) + " · approval " +
                                       dash(approval) + " · technique " + dash(p.plan.technique) +
                                       (p.plan.technique_is_imrt ? " (IMRT)" : " (not IMRT)"))},
      {Cell{"Request", black, true},
       cell("date of service " + dash(p.case_info.date_of_service) + " · line of business " +
            dash(p.case_info.line_of_business) + " · codes " + dash(join(p.case_info.procedure_codes)) +
            " · diagnoses " + dash(join(p.case_info.diagnoses)))},
  };
  if (!p.case_info.rationale.empty())
    header_rows.push_back({Cell{"Rationale", black, true}, cell(p.case_info.rationale)});
  for (const auto& r : p.policies)
    header_rows.push_back(
        {Cell{"Policy", black, true}, cell(r.id + " rev. " + dash(r.revision_date) + " · " + r.payer +
                                           " · ruleset " + dash(r.ruleset_version))});
  header_rows.push_back(
      {Cell{"Tool", black, true}, cell("rtreview " + p.tool_version + " · packet schema " +
                                       std::to_string(p.schema_version) + " · plan set " + p.plan_set_id)});
  w.table({{"", 1.2}, {"", 8.8}}, header_rows, 8);
}

void write_determinations(PdfWriter& w, const ReviewPacket& p) {
  w.heading("Determination", 1);
  w.paragraph("Overall: " + p.overall, 11, outcome_color(p.overall), true);
  if (p.determinations.empty())
    w.paragraph(
        "No policy applies to this case's line of business and date of service; nothing was determined.");
  std::vector<std::vector<Cell>> summary;
  for (const auto& d : p.determinations)
    summary.push_back({Cell{d.policy.id, black, true}, status_cell(to_string(d.outcome)),
                       cell(dash(d.summary)), cell(d.missing.empty() ? "-" : join(d.missing, "; "))});
  if (!summary.empty())
    w.table({{"Policy", 1.2}, {"Outcome", 1.3}, {"Reason", 3.5}, {"Missing", 4}}, summary, 7.5);
  for (const auto& d : p.determinations) {
    w.heading(d.policy.id + ": " + to_string(d.outcome), 2);
    w.paragraph(d.policy.title + " (" + d.policy.payer + ", rev. " + dash(d.policy.revision_date) + ")", 8,
                muted);
    w.paragraph("Reason: " + dash(d.summary), 8.5, black, true);
    if (d.manual_review)
      w.paragraph(
          "Manual review required: the policy's criteria are not public; this packet lists what was "
          "supplied.",
          8.5, amber, true);
    w.paragraph("Applies because: " + dash(d.applicability), 8, muted);
    if (!d.missing.empty()) {
      w.paragraph("What is missing:", 8.5, black, true);
      for (const auto& m : d.missing) w.paragraph("• " + m, 8, black, false, 8);
    }
    if (!d.deciding.empty()) {
      w.paragraph("Deciding criteria:", 8.5, black, true);
      for (const auto& n : d.deciding) {
        EvaluatedNode leaf = n;
        leaf.children.clear();
        tree(w, leaf, 1);
      }
    }
    for (const auto& n : d.code_notes) w.paragraph("Procedure codes: " + n, 8, muted);
    for (const auto& n : d.notes) w.paragraph("Note: " + n, 8, muted);
  }
}

void write_checks(PdfWriter& w, const ReviewPacket& p) {
  w.heading("Technical checks", 1);
  std::vector<std::vector<Cell>> rows;
  for (const auto& f : p.findings)
    rows.push_back({status_cell(to_string(f.status)), cell(f.id), cell(f.subject),
                    cell(f.message + evidence_text(f.evidence)), cell(f.rule), cell(f.citation)});
  w.table({{"Status", 1.0},
           {"Check", 1.9},
           {"Subject", 1.5},
           {"Result and measured values", 3.6},
           {"Rule", 2.0},
           {"Citation", 1.4}},
          rows, 7);
}

void write_criteria(PdfWriter& w, const ReviewPacket& p) {
  w.heading("Criteria", 1);
  for (const auto& d : p.determinations) {
    w.heading(d.policy.id + ": medical necessity", 2);
    tree(w, d.criteria, 0);
    if (d.exclusions) {
      w.heading(d.policy.id + ": exclusions (met means not medically necessary)", 2);
      tree(w, *d.exclusions, 0);
    }
  }
  if (p.determinations.empty()) w.paragraph("No policy: no criteria were evaluated.");
}

void write_checklist(PdfWriter& w, const ReviewPacket& p) {
  std::vector<std::vector<Cell>> rows;
  w.heading("Documentation checklist", 1);
  for (const auto& d : p.determinations) {
    w.heading(d.policy.id, 2);
    for (const auto& item : d.documentation)
      rows.push_back(
          {cell(dash(item.outline_id)),
           cell(item.text + (item.node.evidence.empty() ? "" : "\n" + item.node.evidence)),
           item.required ? status_cell(to_string(item.result))
                         : cell(std::string(to_string(item.result)) + "\n" + item.not_required_reason),
           cell(item.supplied ? "yes" : "no"), cell(dash(item.document_date)), cell(dash(item.window)),
           cell(dash(join(item.required_signers))), cell(dash(join(item.signed_by))),
           Cell{dash(join(item.missing_signers)), item.missing_signers.empty() ? black : red,
                !item.missing_signers.empty()}});
    if (rows.empty())
      w.paragraph("The policy lists no documentation requirement.");
    else
      w.table({{"Item", 0.8},
               {"Requirement", 3.2},
               {"Result", 0.9},
               {"Supplied", 0.8},
               {"Date", 1.1},
               {"Window", 1.6},
               {"Signers required", 1.4},
               {"Signed by", 1.4},
               {"Missing", 1.2}},
              rows, 7);
  }
}

void write_dvhs(PdfWriter& w, const ReviewPacket& p) {
  std::vector<std::vector<Cell>> rows;
  w.heading("Dose-volume histograms", 1);
  if (!p.dvh.dose_uid.empty())
    w.paragraph("Computed by rtreview on dose " + p.dvh.dose_uid +
                    "; targets solid, organs at risk dashed, prescription dashed black.",
                7.5, muted);
  w.plot(render_detail::dvh_plot(p.dvh, dvh_plot_width_px, dvh_plot_height_px), w.content_width());
  w.paragraph(p.dvh.note);
  for (const auto& r : p.dvh.rows) {
    if (!r.computed) {
      rows.push_back({cell(r.roi_name), cell(r.category), cell("not computed: " + r.not_computed_reason)});
      continue;
    }
    rows.push_back({cell(r.roi_name), cell(r.category), cell(format_number(r.volume_cc, 1)),
                    cell(format_number(r.in_grid_percent, 1)), cell(format_number(r.min_gy, 2)),
                    cell(format_number(r.mean_gy, 2)), cell(format_number(r.max_gy, 2)),
                    cell(format_number(r.d98_gy, 2)), cell(format_number(r.d95_gy, 2)),
                    cell(format_number(r.d50_gy, 2)), cell(format_number(r.d2_gy, 2)),
                    cell(format_number(r.d0_03cc_gy, 2)), cell(format_number(r.homogeneity_index, 3)),
                    cell(format_number(r.paddick_ci, 3))});
  }
  w.table({{"ROI", 1.8},
           {"Type", 0.9},
           {"Vol (cc)", 1, true},
           {"In grid %", 0.9, true},
           {"Dmin", 0.8, true},
           {"Dmean", 0.8, true},
           {"Dmax", 0.8, true},
           {"D98%", 0.8, true},
           {"D95%", 0.8, true},
           {"D50%", 0.8, true},
           {"D2%", 0.8, true},
           {"D0.03cc", 0.9, true},
           {"HI", 0.7, true},
           {"CI", 0.7, true}},
          rows, 7);
  w.paragraph("Doses in " + (p.dvh.dose_units.empty() ? std::string("Gy") : p.dvh.dose_units) +
                  ". HI = (D2% − D98%) / D50% (ICRU 83); CI (Paddick) = (TV∩PIV)² / (TV × PIV) at the "
                  "prescription dose.",
              7, muted);
}

void write_beams(PdfWriter& w, const ReviewPacket& p) {
  std::vector<std::vector<Cell>> rows;
  w.heading("Beams and portals", 1);
  const auto& ps = p.plan_summary;
  w.paragraph(render_detail::plan_course_text(ps));
  if (!p.plan.technique_rule.empty())
    w.paragraph("Technique " + p.plan.technique + ": " + p.plan.technique_rule, 7.5, muted);
  for (const auto& b : p.beams) {
    const std::string gantry = render_detail::beam_gantry_text(b);
    const std::string iso = render_detail::beam_isocenter_text(b);
    const std::vector<std::string> mods = render_detail::beam_modifiers(b);
    rows.push_back({cell(std::to_string(b.number)), cell(b.name),
                    cell(b.is_treatment ? "treatment" : dash(b.delivery_type)),
                    cell(b.radiation_type + " " + b.beam_type),
                    cell(b.energy_mev || b.lowest_energy_mev ? beam_energy_text(b) : "-"), cell(gantry),
                    cell(format_number(b.collimator_deg, 1)), cell(format_number(b.couch_deg, 1)), cell(iso),
                    cell(std::to_string(b.control_point_count)), cell(std::to_string(b.segment_count)),
                    cell(format_number(b.meterset_mu, 1)), cell(dash(join(mods)))});
  }
  if (rows.empty())
    w.paragraph("No beams (no plan, or a brachytherapy plan).");
  else
    w.table({{"#", 0.4, true},
             {"Name", 1.2},
             {"Use", 0.9},
             {"Type", 1.2},
             {"Energy", 0.7},
             {"Gantry (°)", 1.6},
             {"Coll.", 0.6, true},
             {"Couch", 0.6, true},
             {"Isocentre (mm)", 1.5},
             {"CPs", 0.5, true},
             {"Segs", 0.5, true},
             {"MU", 0.7, true},
             {"Modifiers", 1.3}},
            rows, 7);
  for (std::size_t i = 0; i < p.beams.size() && i < p.beam_modulation.size(); ++i)
    if (p.beams[i].is_treatment)
      w.paragraph(
          "Beam " + std::to_string(p.beams[i].number) + " " + p.beams[i].name + ": " + p.beam_modulation[i],
          7, muted);
}

void write_structures(PdfWriter& w, const ReviewPacket& p) {
  std::vector<std::vector<Cell>> rows;
  w.heading("Structures", 1);
  for (const auto& r : p.structures)
    rows.push_back({cell(std::to_string(r.roi_number)), cell(r.roi_name), cell(to_string(r.category)),
                    cell(dash(r.canonical_name)), cell(r.rule), cell(std::to_string(r.closed_contour_count)),
                    cell(std::to_string(r.open_contour_count)), cell(std::to_string(r.point_contour_count))});
  if (rows.empty())
    w.paragraph("No structure set.");
  else
    w.table({{"#", 0.4, true},
             {"Name", 1.6},
             {"Classification", 1.1},
             {"TG-263", 1.1},
             {"How", 2.6},
             {"Closed", 0.6, true},
             {"Open", 0.6, true},
             {"Points", 0.6, true}},
            rows, 7);
}

void write_appendix(PdfWriter& w, const ReviewPacket& p) {
  std::vector<std::vector<Cell>> rows;
  w.heading("Appendix: inputs", 1);
  for (const auto& f : p.inputs)
    rows.push_back({cell(f.role), cell(f.path), cell(f.sop_instance_uid), cell(f.sha256),
                    cell(std::to_string(f.size_bytes))});
  w.table({{"Role", 0.8}, {"File", 2.2}, {"SOP Instance UID", 2.6}, {"SHA-256", 3.0}, {"Bytes", 0.8, true}},
          rows, 6.5);
  w.heading("Unreadable or ignored files", 2);
  if (p.unreadable.empty())
    w.paragraph("none");
  else {
    rows.clear();
    for (const auto& u : p.unreadable) rows.push_back({cell(u.path), cell(u.reason)});
    w.table({{"File", 1}, {"Reason", 1.4}}, rows, 7);
  }
  w.heading("Rulesets", 2);
  rows.clear();
  for (const auto& r : p.policies)
    rows.push_back({cell(r.id), cell(r.title), cell(dash(r.revision_date)), cell(dash(r.ruleset_version)),
                    cell(r.file)});
  if (rows.empty())
    w.paragraph("none");
  else
    w.table({{"Policy", 1}, {"Title", 2.5}, {"Revision", 0.8}, {"Ruleset", 0.8}, {"File", 1.5}}, rows, 7);
  if (!p.notes.empty()) {
    w.heading("Reader notes", 2);
    for (const auto& n : p.notes) w.paragraph("• " + n, 7.5);
  }
}

// The packet's sections in reading order (the HTML packet has the same order).
void write_packet(PdfWriter& w, const ReviewPacket& p) {
  for (auto section : {write_header, write_determinations, write_checks, write_criteria, write_checklist,
                       write_dvhs, write_beams, write_structures, write_appendix})
    section(w, p);
}

}  // namespace

void warm_up_pdf_fonts() {
  std::string scratch;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(stream_to_string, &scratch, 612, 792);
  cairo_t* cr = cairo_create(surface);
  {
    TextCache texts;
    texts.attach(cr);
    // Every size and weight the packet's text uses (PdfWriter's callers and write_* below).
    for (double size : {6.5, 7.0, 7.5, 8.0, 8.5, 11.0, 14.0})
      for (bool bold : {false, true}) texts.get("Warm-up 0123456789 \u2022 \u00b7 \u2212 %", 200, size, bold);
    // The DVH plot's text, scaled with the plot to the content width of either paper size.
    render_detail::DvhPlot plot;
    plot.width_px = dvh_plot_width_px;
    for (PaperSize paper : {PaperSize::a4, PaperSize::letter})
      texts.get("Warm-up 0123456789 (Gy) %", 200,
                plot_text_pt(plot, page_width_pt(paper) - 2 * page_margin_pt), false);
  }
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
}

RenderedPdf render_pdf_with_cairo(const ReviewPacket& packet, PaperSize paper) {
  std::string header = packet.title;
  std::string footer = "patient " + (packet.patient.id.empty() ? std::string("-") : packet.patient.id) +
                       " · plan " + (packet.plan.label.empty() ? std::string("-") : packet.plan.label) +
                       " · overall " + packet.overall;
  RenderedPdf out;
  int pages = 0;
  TextCache texts;
  {
    std::string scratch;  // pass 1: count pages, so every footer can say "page n of N"
    PdfWriter w(&scratch, paper, header, footer, 0, texts);
    write_packet(w, packet);
    if (std::string error = w.finish(pages); !error.empty()) {
      out.result = Result::failure(ErrorCode::render_failed, "", "cairo: " + error);
      return out;
    }
  }
  PdfWriter w(&out.bytes, paper, header, footer, pages, texts);
  write_packet(w, packet);
  int pages2 = 0;
  if (std::string error = w.finish(pages2); !error.empty())
    out.result = Result::failure(ErrorCode::render_failed, "", "cairo: " + error);
  return out;
}

}  // namespace rtreview
