console.log('demos');
