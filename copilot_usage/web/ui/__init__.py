"""Streamlit pieces shared by the pages. The only package module that imports streamlit."""
