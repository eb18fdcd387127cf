namespace Kefu.Email;

public static class EmailModule
{
    public static void AddEmail(this WebApplicationBuilder builder)
    {
        EmailParser.RegisterEncodings(); // GB2312/GBK/GB18030, Big5, ISO-2022-JP… are not in .NET by default
        var services = builder.Services;
        services.Configure<EmailOptions>(builder.Configuration.GetSection("Kefu:Email"));
        services.AddSingleton<EmailSecrets>();
        services.AddSingleton<EmailHooks>();
        services.AddSingleton<SmtpSignal>();
        services.AddSingleton<MailConnector>();
        services.AddSingleton<MailboxFetcher>();
        services.AddScoped<EmailIngestor>();
        services.AddScoped<EmailComposer>();
        services.AddScoped<Kefu.Platform.Mail.IMailOutbox>(sp => sp.GetRequiredService<EmailComposer>());
        services.AddScoped<Kefu.Platform.Mail.ISystemMail>(sp => sp.GetRequiredService<EmailComposer>());
        services.AddScoped<MailboxService>();
        services.AddSingleton<MailboxChanges>();
        services.AddSingleton<SmtpDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<SmtpDispatcher>());
        services.AddHostedService<EmailWorker>();
    }

    public static void MapEmail(this WebApplication app) => app.MapEmailEndpoints();
}
