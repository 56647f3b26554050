"""Pure figures: frames, KPIs, breakdowns, costs, the overview, access and qualification.

Data in, data out: no store, no HTTP, no Streamlit. Every figure a page shows is computed
here, once, so a team shows the same value everywhere for the same range.
"""
