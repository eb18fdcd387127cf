using Kefu.Demo;
using Kefu.Email;
using Kefu.Platform;
using Kefu.Platform.Web;
using Kefu.Tickets;

// Settings and web assets come from the app's own folder, wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddPlatform();
builder.AddTickets();
builder.AddEmail();
builder.AddWeb();

var app = builder.Build();
app.MapPlatform();
app.MapTickets();
app.MapEmail();
app.MapWeb();

await Startup.InitializeAsync(app);
app.Run();

public partial class Program;
