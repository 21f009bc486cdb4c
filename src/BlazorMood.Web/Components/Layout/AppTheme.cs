using MudBlazor;

namespace BlazorMood.Web.Components.Layout;

/// <summary>The app's dark theme, shared by the main layout and the kiosk layout (a new instance each: themes are mutable).</summary>
public static class AppTheme
{
    public static MudTheme Create() => new()
    {
        PaletteDark = new PaletteDark
        {
            // Colours and the text on them meet WCAG AA contrast (4.5:1) on this dark surface: primary text on the
            // surface 5.4:1, dark text on primary 6.7:1 and on secondary 7.9:1 (white on them was 4.8 and 2.3).
            Primary = "#9e7bff",
            PrimaryContrastText = "#15131f",
            Secondary = "#00bfa5",
            SecondaryContrastText = "#15131f",
            AppbarBackground = "#1e1b2e",
            Background = "#15131f",
            Surface = "#1e1b2e",
        },
    };
}
