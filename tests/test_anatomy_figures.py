

def test_endangerment_sites_figure_labels_every_site_in_text():
    from sciatica_course import anatomy, load_course
    from sciatica_course.plotting.anatomy import plot_endangerment_sites
    from sciatica_course.plotting.common import alt_text
    course = load_course()
    ax = plot_endangerment_sites()
    sites = [s for s in anatomy.segments(course) if s.endangerment is not None]
    assert ax._sciatica_sites == tuple(s.id for s in sites) and len(sites) >= 3
    texts = " ".join(" ".join(t.get_text().split()) for t in ax.texts)
    for s in sites:
        assert s.endangerment.site in texts and s.endangerment.site in alt_text(ax)
