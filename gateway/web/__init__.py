"""The self-care web page: static HTML, CSS and JavaScript modules, served as they are.

No build step and nothing fetched at run time: the browser loads the ES modules from
`static/` and talks to the gateway only through `/graphql`, like any frontend team.
"""
