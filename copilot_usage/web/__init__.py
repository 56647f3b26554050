"""What the viewer sees: charts, sentences, the session cookie and the Streamlit pieces.

    charts.py    Altair charts from frames (no Streamlit)
    notes.py     sentences about a range (provisional, legacy, partial periods)
    session.py   the sealed session cookie (no Streamlit)
    viewer.py    who is signed in, asked of GitHub with the viewer's own token
    ui/          the Streamlit pieces the pages share (the only Streamlit code of the package)
"""
