using Bunit;
using BlazorMood.Web.Components.Pages.Home;
using MudBlazor;

namespace BlazorMood.Web.Tests.Components;

public sealed class HomeTests : MudComponentTest
{
    [Fact]
    public void Shows_the_three_feature_tabs_in_order()
    {
        var cut = Context.Render<Home>();

        var tabs = cut.FindComponents<MudTabPanel>().Select(p => p.Instance.Text ?? "").ToArray();

        Assert.Equal(["Live Emotion", "Upload Video", "Recommendations"], tabs);
    }

    [Fact]
    public void Keeps_every_panel_alive_so_a_tab_switch_cannot_stop_the_camera_or_music()
    {
        var cut = Context.Render<Home>();

        Assert.True(cut.FindComponent<MudTabs>().Instance.KeepPanelsAlive);
        // All three panels are in the DOM at once, not only the active one: the live view and two placeholders.
        Assert.Single(cut.FindAll("[data-testid=live-emotion]"));
        Assert.Equal(2, cut.FindAll(".tab-placeholder").Count);
    }
}
