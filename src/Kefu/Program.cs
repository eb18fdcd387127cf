using Kefu.Chat;
using Kefu.Demo;
using Kefu.Email;
using Kefu.Platform;
using Kefu.Platform.Web;
using Kefu.Routing;
using Kefu.Sla;
using Kefu.Tickets;

// Settings and web assets come from the app's own folder, wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddPlatform();
builder.AddTickets();
builder.AddRouting();
builder.AddSla();
builder.AddChat();
builder.AddEmail();
builder.AddWeb();

var app = builder.Build();
app.MapPlatform();
app.MapTickets();
app.MapRouting();
app.MapSla();
app.MapChat();
app.MapEmail();
app.MapWeb();

await Startup.InitializeAsync(app);
app.Run();

public partial class Program;
