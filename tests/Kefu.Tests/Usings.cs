global using System.Net;
global using System.Net.Http.Json;
global using System.Text.Json.Nodes;
global using Kefu.Tests.Infrastructure;
global using Microsoft.Extensions.DependencyInjection;
global using System.Text.Json;
