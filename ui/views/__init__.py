"""Views: Qt layout and styling only (TagStudio's rule). Logic lives in ui/controllers."""
