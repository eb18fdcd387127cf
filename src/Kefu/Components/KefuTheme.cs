using MudBlazor;

namespace Kefu.Components;

public static class KefuTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#1f6feb", Secondary = "#8250df", AppbarBackground = "#0d1b2a" },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["-apple-system", "BlinkMacSystemFont", "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "sans-serif"],
            },
            // Buttons say what they do in sentence case: MudBlazor's default capitals shout in English ("SIGN OUT").
            Button = new ButtonTypography { TextTransform = "none" },
        },
    };
}
